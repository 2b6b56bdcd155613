// The programs a root helper may execute, found only in root-owned system directories and
// only when nobody but root can change them (never from PATH, the request or the caller's
// environment).
import fs from 'node:fs';
import path from 'node:path';

/**
 * A test bundle (test/support/bundles.ts) may be built with other directories first (to run
 * bpftrace builds unpacked under /opt); this is fixed when the bundle is built, never read
 * at run time, and the shipped bundle (scripts/build.mjs) defines nothing.
 */
declare const __KSCOPE_TEST_TRUSTED_DIRS__: string[] | undefined;
export const TRUSTED_DIRS = [
  ...(typeof __KSCOPE_TEST_TRUSTED_DIRS__ !== 'undefined' ? __KSCOPE_TEST_TRUSTED_DIRS__ : []),
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/usr/local/sbin',
  '/bin',
  '/sbin',
];

export type StatFn = (p: string) => Pick<fs.Stats, 'uid' | 'mode' | 'isFile' | 'isDirectory'>;

/** Owned by root and not writable by group or others. */
function rootOnly(st: Pick<fs.Stats, 'uid' | 'mode'>): boolean {
  return st.uid === 0 && (st.mode & 0o022) === 0;
}

/** The first `name` in TRUSTED_DIRS that is an executable root-only file in a root-only directory, resolved. */
export function findTrustedBinary(
  name: string,
  dirs: readonly string[] = TRUSTED_DIRS,
  io: { stat: StatFn; realpath: (p: string) => string } = { stat: (p) => fs.statSync(p), realpath: (p) => fs.realpathSync(p) },
): string | null {
  if (!/^[a-z][a-z0-9_.-]*$/.test(name)) return null;
  for (const dir of dirs) {
    try {
      const real = io.realpath(path.join(dir, name));
      const st = io.stat(real);
      const parent = io.stat(path.dirname(real));
      if (st.isFile() && (st.mode & 0o111) !== 0 && rootOnly(st) && parent.isDirectory() && rootOnly(parent)) return real;
    } catch {
      /* not there */
    }
  }
  return null;
}
