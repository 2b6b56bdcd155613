// The printf log beyond the renderer's window: the session remembers where each printf line
// sits in its recording (byte offset and length, in typed arrays that grow), and readLog
// reads a page of them back with positioned reads. Works while the run goes on and after.
import fs from 'node:fs';

export interface LogLine {
  /** 0-based index of the printf line in the whole run. */
  index: number;
  t: number;
  text: string;
}

/** Offsets of printf lines in a recording; grows by doubling. 12 bytes a line. */
export class PrintfIndex {
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  length = 0;

  add(offset: number, length: number): void {
    if (this.length === this.offsets.length) {
      const o = new Float64Array(this.offsets.length * 2);
      o.set(this.offsets);
      const l = new Uint32Array(this.lengths.length * 2);
      l.set(this.lengths);
      this.offsets = o;
      this.lengths = l;
    }
    this.offsets[this.length] = offset;
    this.lengths[this.length] = length;
    this.length++;
  }

  at(i: number): { offset: number; length: number } {
    return { offset: this.offsets[i], length: this.lengths[i] };
  }
}

export class ReadLogError extends Error {}

/** Lines [start, start+count) of the printf log, read from the recording at `file`. */
export function readLog(file: string | null, index: PrintfIndex, start: number, count: number): { total: number; lines: LogLine[] } {
  if (file === null) throw new ReadLogError('this run has no recording (recordings are off), so lines outside the window cannot be read back');
  const total = index.length;
  const end = Math.min(total, start + count);
  if (start >= end) return { total, lines: [] };
  const first = index.at(start);
  const last = index.at(end - 1);
  const span = last.offset + last.length - first.offset;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new ReadLogError(`cannot read the recording ${file}: ${(e as Error).message}`);
  }
  const lines: LogLine[] = [];
  try {
    const buf = Buffer.alloc(span);
    let got = 0;
    while (got < span) {
      const n = fs.readSync(fd, buf, got, span - got, first.offset + got);
      if (n === 0) break; // the file is shorter (a failed write): return what is there
      got += n;
    }
    for (let i = start; i < end; i++) {
      const { offset, length } = index.at(i);
      const from = offset - first.offset;
      if (from + length > got) break;
      try {
        const e = JSON.parse(buf.toString('utf8', from, from + length)) as { type?: string; t?: number; text?: string };
        if (e.type === 'printf' && typeof e.text === 'string') lines.push({ index: i, t: e.t ?? 0, text: e.text });
        else lines.push({ index: i, t: 0, text: '' });
      } catch {
        lines.push({ index: i, t: 0, text: '' });
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return { total, lines };
}
