// debugFileFor on real objects: libc with libc6-dbg installed (found by build-id, as bcc finds
// it), a file that is not ELF, and an ELF object with no debug file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { debugFileFor } from './debug-file.js';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';

describe('debugFileFor', () => {
  it('finds libc\'s detached debug file by its build-id', (ctx) => {
    const id = /Build ID: ([0-9a-f]+)/.exec(spawnSync('readelf', ['-n', LIBC], { encoding: 'utf8' }).stdout ?? '')?.[1];
    const want = id ? `/usr/lib/debug/.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug` : null;
    if (!want || !fs.existsSync(want)) {
      console.warn('skipped: no libc build-id debug file here (libc6-dbg not installed)');
      return ctx.skip();
    }
    expect(debugFileFor(LIBC)).toBe(want);
  });
  it('answers null for a file that is not ELF and for an object without a debug file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-dbg-'));
    try {
      fs.writeFileSync(path.join(dir, 'text'), 'not an ELF file at all, but long enough to read a header from it.....');
      expect(debugFileFor(path.join(dir, 'text'))).toBeNull();
      expect(debugFileFor(LIBC, dir)).toBeNull(); // an empty debug root: nothing found
      expect(debugFileFor(path.join(dir, 'missing'))).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
