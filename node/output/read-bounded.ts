// Reading a user-named input (a script, a folded file, `-`) with a bound: at most `limit`
// bytes are ever held, whatever the path is (/dev/zero, a FIFO, a 2 GB file). Pipes and `-`
// (stdin) are read like files.
import fs from 'node:fs';

export class InputTooLarge extends Error {}

/**
 * One read from a file, a pipe or stdin into `buf`: 0 at the end. stdin in non-blocking mode
 * (a terminal, some pipes) answers EAGAIN: wait a little and read on.
 */
export function readSome(fd: number, buf: Buffer): number {
  for (;;) {
    try {
      return fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') return 0;
      throw e;
    }
  }
}

/** The bytes of `file` (`-`: stdin), refusing anything over `limit` bytes before holding more. */
export function readBounded(file: string, limit: number): Buffer {
  const fd = file === '-' ? 0 : fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const n = readSome(fd, buf);
      if (n === 0) break;
      total += n;
      if (total > limit) throw new InputTooLarge(`${file === '-' ? 'stdin' : file} is over ${limit.toLocaleString('en-US')} bytes`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
}
