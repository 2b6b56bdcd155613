// Read a file line by line from a byte offset with positioned reads into one reused buffer:
// memory is bounded by MAX_WHOLE_LINE whatever the file holds (recordings can be 1 GB; one map
// print can be 100 MB, and a hostile file need have no newline at all). Only complete lines are delivered; what follows the last newline
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

/** Lines up to this long are delivered whole; longer ones as their head and length. */
export const MAX_WHOLE_LINE = 16 << 20;
/** How much of a long line's start is kept for its caller (type, time, name, first key). */
export const LONG_LINE_HEAD = 64 << 10;

/**
 * Calls `onLine(buf, start, end, offset)` for each complete line (newline excluded) from
 * `from`; `offset` is the line's position in the file. The buffer is reused: copy what
 * you keep. A line longer than `maxLine` is never held: `onLongLine(head, offset, length)`
 * gets its first LONG_LINE_HEAD bytes and its length, and the rest is read past in chunks
 * (linear time, memory bounded by `maxLine`, whatever the file holds: a 100 MB map print, a
 * 2 GB file without a newline).
 *
 * `limit`: stop after reading about this many bytes, at a line boundary (a big file is scanned
 * in slices between which the event loop runs). A slice always ends past at least one line,
 * so a line longer than a slice cannot make the caller start it again forever.
 */
export function scanLines(
  fd: number,
  from: number,
  onLine: (buf: Buffer, start: number, end: number, offset: number) => void,
  chunk = 1 << 20,
  limit = Infinity,
  onLongLine: (head: Buffer, offset: number, length: number) => void = () => {},
  maxLine = MAX_WHOLE_LINE,
): ScanEnd {
  let read = 0;
  let buf = Buffer.allocUnsafe(Math.min(chunk, maxLine));
  let have = 0; // bytes in buf
  let bufOffset = from; // file offset of buf[0]
  let scanned = 0; // bytes of buf already searched for a newline
  for (;;) {
    // Deliver the complete lines in buf[0, have).
    const filled = buf.subarray(0, have);
    let lineStart = 0;
    let nl = filled.indexOf(10, scanned);
    while (nl !== -1) {
      onLine(buf, lineStart, nl, bufOffset + lineStart);
      lineStart = nl + 1;
      nl = filled.indexOf(10, lineStart);
    }
    if (lineStart > 0) {
      buf.copy(buf, 0, lineStart, have);
      have -= lineStart;
      bufOffset += lineStart;
    }
    scanned = have;
    if (read >= limit && bufOffset > from) return { end: bufOffset, tailBytes: have, eof: false };
    if (have === buf.length) {
      if (buf.length >= maxLine) {
        // A line longer than maxLine: keep its head, read past the rest.
        const head = Buffer.from(buf.subarray(0, LONG_LINE_HEAD));
        const r = skipLine(fd, buf, bufOffset, have);
        read += r.read;
        if (r.newlineAt < 0) return { end: bufOffset, tailBytes: r.length, eof: true };
        onLongLine(head, bufOffset, r.length);
        // What followed the newline in the last read is moved to the front of buf.
        have = r.leftover;
        bufOffset += r.length + 1;
        scanned = 0;
        continue;
      }
      // A line longer than the buffer: grow to hold it (up to maxLine).
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxLine));
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = fs.readSync(fd, buf, have, buf.length - have, bufOffset + have);
    if (n === 0) break;
    read += n;
    have += n;
  }
  return { end: bufOffset, tailBytes: have, eof: true };
}

/**
 * Read past a long line whose first `have` bytes are in buf (which is then reused for
 * reading): its length up to the newline, and any bytes after the newline left at the front
 * of buf. newlineAt < 0: the file ended first (length = bytes to the end).
 */
function skipLine(fd: number, buf: Buffer, lineOffset: number, have: number): { length: number; newlineAt: number; leftover: number; read: number } {
  let length = have;
  let read = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, lineOffset + length);
    if (n === 0) return { length, newlineAt: -1, leftover: 0, read };
    read += n;
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl >= 0) {
      buf.copy(buf, 0, nl + 1, n);
      return { length: length + nl, newlineAt: nl, leftover: n - nl - 1, read };
    }
    length += n;
  }
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
