// The contract's Channel over a byte stream pair (a process's stdin/stdout, an ssh
// channel): one JSON message per line. JSON.stringify never writes a raw newline, so a
// newline always ends a message. A line longer than the transports' message limit is not
// buffered: its first MAX+1 characters are delivered, which every receiver refuses as too
// large, and the rest is skipped up to the next newline.
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import { MAX_MESSAGE_BYTES, type Channel } from '../../common/contract/index.js';

/** Splits a stream into lines; `take` hands the following lines to another reader (see ssh-host.ts). */
export class LineReader {
  private buf = '';
  private skipping = false;
  private readonly decoder = new StringDecoder('utf8');
  private lineListener: (line: string) => void = () => {};
  private endListeners = new Set<(reason: string) => void>();
  private ended: string | null = null;

  constructor(
    input: Readable,
    private readonly maxLine = MAX_MESSAGE_BYTES,
  ) {
    input.on('data', (b: Buffer | string) => this.push(typeof b === 'string' ? b : this.decoder.write(b)));
    input.on('end', () => this.end('end of stream'));
    input.on('close', () => this.end('stream closed'));
    input.on('error', (e: Error) => this.end(e.message));
  }

  /** Every line from now on (and the ones already buffered) goes to `l`. */
  onLine(l: (line: string) => void): void {
    this.lineListener = l;
    this.drain();
  }

  onEnd(l: (reason: string) => void): () => void {
    if (this.ended !== null) queueMicrotask(() => l(this.ended!));
    this.endListeners.add(l);
    return () => this.endListeners.delete(l);
  }

  private pending: string[] = [];
  private delivering = false;

  private push(text: string): void {
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      const part = nl === -1 ? text.slice(from) : text.slice(from, nl);
      if (!this.skipping) {
        this.buf += part;
        if (this.buf.length > this.maxLine) {
          this.pending.push(this.buf.slice(0, this.maxLine + 1));
          this.buf = '';
          this.skipping = nl === -1;
        } else if (nl !== -1) {
          this.pending.push(this.buf);
          this.buf = '';
        }
      } else if (nl !== -1) this.skipping = false;
      if (nl === -1) break;
      from = nl + 1;
    }
    this.drain();
  }

  private drain(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      // The listener may change while lines are delivered (a handshake handing over).
      while (this.pending.length) this.lineListener(this.pending.shift()!);
    } finally {
      this.delivering = false;
    }
  }

  private end(reason: string): void {
    if (this.ended !== null) return;
    this.ended = reason;
    this.drain();
    for (const l of this.endListeners) l(reason);
  }
}

export interface LineChannel extends Channel {
  /** Close both directions (ends the output); close listeners run once. */
  close(reason: string): void;
  readonly closed: boolean;
}

export function lineChannel(reader: LineReader, output: Writable): LineChannel {
  const messages = new Set<(t: string) => void>();
  const closes = new Set<(r: string) => void>();
  let closed: string | null = null;
  const close = (reason: string) => {
    if (closed !== null) return;
    closed = reason;
    for (const l of closes) l(reason);
  };
  reader.onLine((line) => {
    if (closed === null) for (const l of messages) l(line);
  });
  reader.onEnd((r) => close(r));
  output.on('error', (e: Error) => close(`write failed: ${e.message}`));
  return {
    send(text) {
      if (closed !== null) throw new Error(`channel closed: ${closed}`);
      if (text.includes('\n')) throw new Error('a message may not contain a raw newline');
      output.write(text + '\n');
    },
    onMessage(l) {
      messages.add(l);
      return () => messages.delete(l);
    },
    onClose(l) {
      closes.add(l);
      return () => closes.delete(l);
    },
    close(reason) {
      if (closed === null) output.end();
      close(reason);
    },
    get closed() {
      return closed !== null;
    },
  };
}
