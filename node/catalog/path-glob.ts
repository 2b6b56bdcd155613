// The files a user-probe path pattern names (`/usr/lib/*/libc.so.6`, `/bin/ba*`), expanded as
// bpftrace does it (glob(3)): only the directories the pattern itself names are read, `*`
// stays within one level and skips dot files, symlinks are followed, and what is left is the
// regular files, sorted. Bounded: a pattern that matches too many files (or makes us list
// too many directories) is refused with a message saying how to narrow it.
import fs from 'node:fs';
import path from 'node:path';
import { levelMatches, pathLevels } from '../../common/bpftrace/user-glob.js';
import { UprobeError } from './uprobes.js';

/** Most files one pattern may name: every one is an ELF file to open and read. */
export const MAX_GLOB_FILES = 2000;
/** Most directories listed while expanding one pattern (`/*\/*\/*` would otherwise walk the disk). */
export const MAX_GLOB_DIRS = 500;

export class GlobTooBroad extends UprobeError {
  constructor(message: string) {
    super(message);
    this.name = 'GlobTooBroad';
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The regular files `pattern` (absolute, `*` wildcards) names, sorted byte-wise. */
export function expandPathGlob(pattern: string, limits: { files?: number; dirs?: number } = {}): string[] {
  const maxFiles = limits.files ?? MAX_GLOB_FILES;
  const maxDirs = limits.dirs ?? MAX_GLOB_DIRS;
  if (!pattern.startsWith('/')) throw new UprobeError(`${pattern}: a path pattern must be absolute`);
  let candidates = ['/'];
  let listed = 0;
  for (const level of pathLevels(pattern)) {
    if (level.name === '..') {
      candidates = candidates.map((c) => path.dirname(c));
      continue;
    }
    if (!level.glob) {
      candidates = candidates.map((c) => path.join(c, level.name));
      continue;
    }
    const next: string[] = [];
    for (const dir of candidates) {
      if (++listed > maxDirs) throw new GlobTooBroad(`${pattern} lists more than ${fmt(maxDirs)} directories: put fewer * in the directory part of the path (e.g. /usr/lib/x86_64-linux-gnu/*)`);
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue; // not a directory, or unreadable: glob(3) skips it too
      }
      for (const n of names) if (levelMatches(level.name, n)) next.push(path.join(dir, n));
      // Far more entries than files we would read: refuse now rather than stat them all.
      if (next.length > maxFiles * 4) throw new GlobTooBroad(`${pattern} matches more than ${fmt(maxFiles * 4)} entries, more than the ${fmt(maxFiles)} files kscope reads for one search: narrow the path (e.g. …/lib*.so* or …/libc*)`);
    }
    candidates = next;
  }
  const files = candidates.filter((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
  if (files.length > maxFiles) {
    throw new GlobTooBroad(`${pattern} matches ${fmt(files.length)} files, more than the ${fmt(maxFiles)} kscope reads for one search: narrow the path (e.g. …/lib*.so* or …/libc*)`);
  }
  return [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
