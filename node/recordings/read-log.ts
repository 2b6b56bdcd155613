// The printf log beyond the renderer's window: the session remembers where blocks of printf
// lines sit in its recording (PrintfIndex, a few bytes per 256 lines), and readLog reads a
// page of them back with positioned reads. Works while the run goes on and after.
import fs from 'node:fs';

export interface LogLine {
  /** 0-based index of the printf line in the whole run. */
  index: number;
  t: number;
  text: string;
}

/** printf lines per block: a page read scans at most this many lines before its first. */
export const BLOCK_LINES = 256;
/** A non-printf line this long (a big map print) ends the block, so no page read re-reads it. */
export const BIG_LINE_BYTES = 64 * 1024;

/**
 * Where printf lines sit in a recording, in blocks: for each block of up to BLOCK_LINES
 * printf lines, the number of its first line, the byte offset where it starts and the end
 * of its last line (24 bytes a block, ~0.1 byte a line: a 34 k lines/s flood costs ~11 MB
 * an hour instead of 1.4 GB). A read scans its block's lines from the file, skipping the
 * other events between them; a big non-printf line closes the block, so it is never read.
 */
export class PrintfIndex {
  private first = new Float64Array(64);
  private start = new Float64Array(64);
  private end = new Float64Array(64);
  private blocks = 0;
  private breakNext = true;
  length = 0;

  add(offset: number, length: number): void {
    const b = this.blocks - 1;
    if (this.breakNext || this.length - this.first[b] >= BLOCK_LINES) {
      if (this.blocks === this.first.length) {
        const grow = (a: Float64Array) => {
          const n = new Float64Array(a.length * 2);
          n.set(a);
          return n;
        };
        this.first = grow(this.first);
        this.start = grow(this.start);
        this.end = grow(this.end);
      }
      this.first[this.blocks] = this.length;
      this.start[this.blocks] = offset;
      this.blocks++;
      this.breakNext = false;
    }
    this.end[this.blocks - 1] = offset + length;
    this.length++;
  }

  /** Another event's line: a big one ends the current block (see BIG_LINE_BYTES). */
  other(length: number): void {
    if (length >= BIG_LINE_BYTES) this.breakNext = true;
  }

  /** Bytes this index holds (for the memory bench). */
  get bytes(): number {
    return this.first.byteLength * 3;
  }

  /** The block holding printf line i (0-based). */
  blockOf(i: number): number {
    let lo = 0;
    let hi = this.blocks - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.first[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  block(k: number): { first: number; start: number; end: number } {
    return { first: this.first[k], start: this.start[k], end: this.end[k] };
  }
}

export class ReadLogError extends Error {}

/** Lines [start, start+count) of the printf log, read from the recording at `file`. */
export function readLog(file: string | null, index: PrintfIndex, start: number, count: number): { total: number; lines: LogLine[] } {
  if (file === null) throw new ReadLogError('this run has no recording (recordings are off), so lines outside the window cannot be read back');
  const total = index.length;
  const end = Math.min(total, start + count);
  if (start >= end) return { total, lines: [] };
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new ReadLogError(`cannot read the recording ${file}: ${(e as Error).message}`);
  }
  const lines: LogLine[] = [];
  try {
    const last = index.blockOf(end - 1);
    for (let k = index.blockOf(start); k <= last; k++) {
      const b = index.block(k);
      const span = b.end - b.start;
      const buf = Buffer.alloc(span);
      let got = 0;
      while (got < span) {
        const n = fs.readSync(fd, buf, got, span - got, b.start + got);
        if (n === 0) break; // the file is shorter (a failed write): return what is there
        got += n;
      }
      let i = b.first;
      let truncated = false;
      for (let from = 0; from < got && i < end; ) {
        let nl = buf.indexOf(10, from);
        if (nl < 0 || nl > got) {
          if (got < span) {
            truncated = true;
            break; // a line cut by the short read
          }
          nl = got;
        }
        // printf lines start with their type (the writer's JSON.stringify keeps the decoder's key order).
        if (buf[from + 9] === 0x70 && buf.toString('latin1', from, Math.min(nl, from + 16)) === '{"type":"printf"') {
          if (i >= start) {
            try {
              const e = JSON.parse(buf.toString('utf8', from, nl)) as { t?: number; text?: string };
              lines.push({ index: i, t: e.t ?? 0, text: typeof e.text === 'string' ? e.text : '' });
            } catch {
              lines.push({ index: i, t: 0, text: '' });
            }
          }
          i++;
        }
        from = nl + 1;
      }
      if (truncated) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { total, lines };
}
