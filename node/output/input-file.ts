// A user-named input for readers that seek (the recording scanner reads back the last print
// of each map): a regular file is used where it is; `-` (stdin), a FIFO or a device is copied
// into a private temporary file first, with a bound, and refused at once when its first bytes
// are binary (`export /dev/zero` used to grow without end).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binaryReason, SNIFF_BYTES } from './input-kind.js';
import { readSome } from './read-bounded.js';

export class InputError extends Error {}

export interface InputFile {
  /** A path the reader can open and seek. */
  path: string;
  /** How to name it in messages (`stdin` for `-`). */
  label: string;
  /** Remove the temporary copy, if any. */
  done(): void;
}

/** Inputs copied from a pipe are at most this big (a recording of a long run can be GBs: use a file). */
export const MAX_STREAMED_INPUT = 2 * 1024 ** 3;
/** Every kscope input's first line (a recording's header, a folded stack) is shorter than this. */
export const MAX_FIRST_LINE = 8 * 1024 * 1024;

/** The first bytes of a regular file are checked too: binary is refused the same way. */
export function openInput(name: string, limit = MAX_STREAMED_INPUT): InputFile {
  const label = name === '-' ? 'stdin' : name;
  if (name !== '-') {
    const st = fs.statSync(name); // ENOENT: the caller says "no such file"
    if (st.isDirectory()) throw new InputError(`${label} is a folder, not a file`);
    if (st.isFile()) {
      const fd = fs.openSync(name, 'r');
      try {
        const head = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
        const n = fs.readSync(fd, head, 0, head.length, 0);
        const why = binaryReason(head.subarray(0, n));
        if (why) throw new InputError(`${label}: ${why}, not text kscope reads`);
      } finally {
        fs.closeSync(fd);
      }
      return { path: name, label, done: () => {} };
    }
  }
  // A stream: copy it, checking its head first and never more than `limit` bytes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-input-'));
  const copy = path.join(dir, 'input');
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const src = name === '-' ? 0 : fs.openSync(name, 'r');
  const dst = fs.openSync(copy, 'wx', 0o600);
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let total = 0;
    let checked = false;
    let sawNewline = false;
    for (;;) {
      const n = readSome(src, buf);
      if (n === 0) break;
      if (!checked) {
        checked = true;
        const why = binaryReason(buf.subarray(0, n));
        if (why) throw new InputError(`${label}: ${why}, not text kscope reads`);
      }
      total += n;
      sawNewline ||= buf.subarray(0, n).includes(10);
      if (!sawNewline && total > MAX_FIRST_LINE) throw new InputError(`${label}: no line ends in the first ${MAX_FIRST_LINE >> 20} MiB; not text kscope reads`);
      if (total > limit) throw new InputError(`${label} is over ${limit.toLocaleString('en-US')} bytes; write it to a file first`);
      fs.writeSync(dst, buf, 0, n);
    }
    return { path: copy, label, done: cleanup };
  } catch (e) {
    cleanup();
    throw e;
  } finally {
    fs.closeSync(dst);
    if (src !== 0) fs.closeSync(src);
  }
}
