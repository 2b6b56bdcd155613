// expandPathGlob on a real directory tree made for the test: glob(3)'s rules (one level per
// `*`, dot files skipped, symlinks followed, only regular files) and the cap's message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandPathGlob, GlobTooBroad } from './path-glob.js';

let root = '';
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-glob-'));
  for (const d of ['lib/x86_64/sub', 'lib/i386', 'lib/.hidden', 'bin']) fs.mkdirSync(path.join(root, d), { recursive: true });
  for (const f of ['lib/x86_64/libc.so.6', 'lib/i386/libc.so.6', 'lib/.hidden/libc.so.6', 'lib/x86_64/sub/libc.so.6', 'bin/bash', 'bin/basename', 'bin/dash', 'bin/.bashrc']) fs.writeFileSync(path.join(root, f), 'x');
  fs.symlinkSync('bash', path.join(root, 'bin/bash-link'));
  fs.symlinkSync('missing', path.join(root, 'bin/ba-dangling'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('expandPathGlob', () => {
  it('a * stays in one directory level and skips dot directories', () => {
    expect(expandPathGlob(`${root}/lib/*/libc.so.6`)).toEqual([`${root}/lib/i386/libc.so.6`, `${root}/lib/x86_64/libc.so.6`]);
  });
  it('keeps regular files and symlinks to them, drops directories and dangling links, sorted', () => {
    expect(expandPathGlob(`${root}/bin/ba*`)).toEqual([`${root}/bin/basename`, `${root}/bin/bash`, `${root}/bin/bash-link`]);
    expect(expandPathGlob(`${root}/lib/x86_64/*`)).toEqual([`${root}/lib/x86_64/libc.so.6`]);
  });
  it('a literal path is one file (or none)', () => {
    expect(expandPathGlob(`${root}/bin/bash`)).toEqual([`${root}/bin/bash`]);
    expect(expandPathGlob(`${root}/bin/nope*`)).toEqual([]);
  });
  it('refuses a pattern that matches more files than the cap, saying how many and how to narrow it', () => {
    expect(() => expandPathGlob(`${root}/bin/*`, { files: 2 })).toThrow(GlobTooBroad);
    expect(() => expandPathGlob(`${root}/bin/*`, { files: 2 })).toThrow(/matches 4 files, more than the 2 kscope reads for one search: narrow the path/);
  });
  it('refuses a pattern that lists too many directories', () => {
    expect(() => expandPathGlob(`${root}/*/*/*`, { dirs: 2 })).toThrow(/lists more than 2 directories/);
  });
  it('on this machine, the brief\'s patterns name the files bpftrace reads', () => {
    if (!fs.existsSync('/usr/lib/x86_64-linux-gnu/libc.so.6')) return console.warn('skipped: no /usr/lib/x86_64-linux-gnu/libc.so.6 here');
    expect(expandPathGlob('/usr/lib/*/libc.so.6')).toContain('/usr/lib/x86_64-linux-gnu/libc.so.6');
  });
});
