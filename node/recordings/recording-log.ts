// The printf log of a finished recording, read by page like a live run's (readLog): one scan
// builds the same PrintfIndex a session builds while it writes, then pages are positioned
// reads. A replay can show every line of its run, not only the newest up to its time.
import fs from 'node:fs';
import { PrintfIndex, readLog, type LogLine } from './read-log.js';

const CHUNK = 1 << 20;
const PRINTF_PREFIX = Buffer.from('{"type":"printf"', 'latin1');

/** Index every printf line of the recording at `file` (bounded memory: 1 MiB chunks, ~0.1 byte a line). */
export function indexRecordingLog(file: string): PrintfIndex {
  const index = new PrintfIndex();
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let offset = 0; // file offset of buf[0]
    let carry = 0; // bytes of an unfinished line at the start of buf
    let first = true; // the header line is not an event
    for (;;) {
      const n = fs.readSync(fd, buf, carry, CHUNK - carry, offset + carry);
      const end = carry + n;
      let from = 0;
      for (;;) {
        const nl = buf.indexOf(10, from);
        if (nl < 0 || nl >= end) break;
        const length = nl - from;
        if (first) first = false;
        else if (length >= PRINTF_PREFIX.length && buf.compare(PRINTF_PREFIX, 0, PRINTF_PREFIX.length, from, from + PRINTF_PREFIX.length) === 0) index.add(offset + from, length);
        else index.other(length);
        from = nl + 1;
      }
      if (n === 0) break; // a torn last line (no newline) is not a whole event
      if (from === 0 && end === CHUNK) {
        // One line longer than the buffer (a big map print): skip to its end.
        let skipped = end;
        for (;;) {
          const m = fs.readSync(fd, buf, 0, CHUNK, offset + skipped);
          if (m === 0) return index;
          const nl = buf.indexOf(10, 0);
          if (nl >= 0 && nl < m) {
            index.other(skipped + nl);
            first = false;
            offset += skipped + nl + 1;
            carry = 0;
            break;
          }
          skipped += m;
        }
        continue;
      }
      buf.copy(buf, 0, from, end);
      offset += from;
      carry = end - from;
    }
  } finally {
    fs.closeSync(fd);
  }
  return index;
}

/** Indexes of recently paged recordings, by path, while the file is unchanged. */
export class RecordingLogs {
  private cache = new Map<string, { size: number; mtimeMs: number; index: PrintfIndex }>();

  constructor(private readonly keep = 4) {}

  read(file: string, start: number, count: number): { total: number; lines: LogLine[] } {
    const st = fs.statSync(file);
    let hit = this.cache.get(file);
    if (!hit || hit.size !== st.size || hit.mtimeMs !== st.mtimeMs) {
      hit = { size: st.size, mtimeMs: st.mtimeMs, index: indexRecordingLog(file) };
      this.cache.delete(file);
      this.cache.set(file, hit);
      while (this.cache.size > this.keep) this.cache.delete(this.cache.keys().next().value!);
    }
    return readLog(file, hit.index, start, count);
  }
}
