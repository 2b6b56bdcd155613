// Buffered output for exporters: text is pushed synchronously and written in ~1 MB chunks,
// awaiting 'drain' so a slow consumer (a pipe, a disk) bounds memory instead of queueing
// the whole export in the stream.
import { once } from 'node:events';

const FLUSH_AT = 1 << 20;

export class Sink {
  private parts: string[] = [];
  private pendingChars = 0;
  private error: Error | null = null;
  bytes = 0;

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', (e: Error) => (this.error ??= e));
  }

  /** Queue text; call `maybeFlush()` from loops so it is written as it grows. */
  push(s: string): void {
    this.parts.push(s);
    this.pendingChars += s.length;
  }

  get full(): boolean {
    return this.pendingChars >= FLUSH_AT;
  }

  async maybeFlush(): Promise<void> {
    if (this.pendingChars >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pendingChars = 0;
    await this.writeBytes(buf);
  }

  async writeBytes(buf: Uint8Array): Promise<void> {
    if (this.error) throw this.error;
    this.bytes += buf.length;
    if (!this.out.write(buf)) {
      // events.once rejects if the stream emits 'error' meanwhile.
      await once(this.out as unknown as NodeJS.EventEmitter, 'drain');
    }
    if (this.error) throw this.error;
  }
}
