// Read a file line by line from a byte offset with positioned reads into one reused buffer:
// memory is bounded by the chunk size or the longest line (recordings can be 1 GB; one map
// print can be many MB). Only complete lines are delivered; what follows the last newline
// is reported as a partial tail (a torn line, or a line still being written).
import fs from 'node:fs';

export interface ScanEnd {
  /** Offset just after the last complete line. */
  end: number;
  /** Bytes after it (no newline yet). */
  tailBytes: number;
  /** The end of the file was reached (false: stopped at `limit`). */
  eof: boolean;
}

/**
 * Calls `onLine(buf, start, end, offset)` for each complete line (newline excluded) from
 * `from`; `offset` is the line's position in the file. The buffer is reused: copy what
 * you keep.
 */
export function scanLines(
  fd: number,
  from: number,
  onLine: (buf: Buffer, start: number, end: number, offset: number) => void,
  chunk = 1 << 20,
  /** Stop after reading about this many bytes (a big file is scanned in slices between which the event loop runs). */
  limit = Infinity,
): ScanEnd {
  let read = 0;
  let buf = Buffer.allocUnsafe(chunk);
  let have = 0; // bytes in buf
  let bufOffset = from; // file offset of buf[0]
  for (;;) {
    if (have === buf.length) {
      // One line longer than the buffer: grow to hold it.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    if (read >= limit) return { end: bufOffset, tailBytes: have, eof: false };
    const n = fs.readSync(fd, buf, have, buf.length - have, bufOffset + have);
    if (n === 0) break;
    read += n;
    const scanFrom = have;
    have += n;
    let lineStart = 0;
    let nl = buf.indexOf(10, scanFrom);
    while (nl !== -1 && nl < have) {
      onLine(buf, lineStart, nl, bufOffset + lineStart);
      lineStart = nl + 1;
      nl = lineStart < have ? buf.indexOf(10, lineStart) : -1;
    }
    if (lineStart > 0) {
      buf.copy(buf, 0, lineStart, have);
      have -= lineStart;
      bufOffset += lineStart;
    }
  }
  return { end: bufOffset, tailBytes: have, eof: true };
}

/** Read `length` bytes at `offset` (a line the index points to). */
export function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
