// Text written straight into large byte buffers for the exporters' bulk parts (millions of
// frame ids and counts): digits and ASCII written byte by byte, other text through
// Buffer.write, each ~1 MB buffer handed to the Sink whole (a fresh buffer after each, as the
// stream may hold the last one until it is written). No string per number, no join.
import type { Sink } from './sink.js';

const SIZE = 1 << 20;
/** Room kept free at the end of a buffer: a caller checks `full` between items of any size below it. */
const SLACK = 64 * 1024;

export class ByteSink {
  private buf = Buffer.allocUnsafe(SIZE);
  private pos = 0;

  constructor(private readonly sink: Sink) {}

  get full(): boolean {
    return this.pos >= SIZE - SLACK;
  }

  /** A non-negative integer below 2^53, in decimal. */
  int(v: number): void {
    if (v < 10) {
      this.buf[this.pos++] = 48 + v;
      return;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let x = v; ; ) {
      const q = Math.floor(x / 10);
      this.buf[--p] = 48 + (x - q * 10);
      if (q === 0) break;
      x = q;
    }
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** Any text, as UTF-8 (a text longer than the room left grows this buffer). */
  text(s: string): void {
    const most = s.length * 3;
    if (this.pos + most > this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.pos + most + SLACK);
      this.buf.copy(bigger, 0, 0, this.pos);
      this.buf = bigger;
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Hand what is buffered to the Sink (strings pushed to the Sink before stay first). */
  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(SIZE);
    this.pos = 0;
    await this.sink.flush();
    await this.sink.writeBytes(out);
  }
}
