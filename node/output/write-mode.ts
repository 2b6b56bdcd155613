// How kscope writes a path a user named (--output, a save): the pure decision.
//
// A rename over the target is atomic only for what a rename can honestly replace: a regular
// file, or nothing. Everything else is written in place: a device (/dev/null: as root a rename
// replaced it with a regular file and broke every writer on the machine), a FIFO, a socket, a
// symlink (/dev/stdout → /proc/self/fd/1 → a pipe or a tty; replacing the link would write
// nowhere the user meant), and `-` (our stdout).

/** What lstat (and, through a symlink, stat) says about the target; null: it does not exist. */
export interface TargetFacts {
  /** lstat of the path itself. */
  kind: 'missing' | 'file' | 'dir' | 'symlink' | 'other';
  /** For a symlink: what it points at ('missing' when dangling). */
  target?: 'missing' | 'file' | 'dir' | 'other';
}

export type WriteMode = { mode: 'stdout' } | { mode: 'stderr' } | { mode: 'atomic' } | { mode: 'in-place' } | { mode: 'refuse'; reason: string };

// Our own stdout/stderr by name: written through the descriptor we have, because open() of
// /proc/self/fd/1 fails (ENXIO) when it is a socket, as it is under a process supervisor.
const STDOUT_NAMES = new Set(['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);
const STDERR_NAMES = new Set(['/dev/stderr', '/dev/fd/2', '/proc/self/fd/2']);

export function chooseWriteMode(name: string, facts: TargetFacts): WriteMode {
  if (name === '-' || STDOUT_NAMES.has(name)) return { mode: 'stdout' };
  if (STDERR_NAMES.has(name)) return { mode: 'stderr' };
  if (name === '') return { mode: 'refuse', reason: 'an empty output path' };
  switch (facts.kind) {
    case 'missing':
    case 'file':
      return { mode: 'atomic' };
    case 'dir':
      return { mode: 'refuse', reason: 'it is a folder; name a file' };
    case 'symlink':
      if (facts.target === 'dir') return { mode: 'refuse', reason: 'it points to a folder; name a file' };
      // A dangling link: open() creates the file it names, the link stays a link.
      return { mode: 'in-place' };
    default:
      return { mode: 'in-place' };
  }
}

/** The facts as node:fs reports them (fs.Stats-like, so tests can pass plain objects). */
export interface StatLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export function factsOf(lstat: StatLike | null, stat: StatLike | null): TargetFacts {
  if (!lstat) return { kind: 'missing' };
  const kindOf = (s: StatLike | null): 'missing' | 'file' | 'dir' | 'other' => (!s ? 'missing' : s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other');
  if (lstat.isSymbolicLink()) return { kind: 'symlink', target: kindOf(stat) };
  const k = kindOf(lstat);
  return { kind: k === 'missing' ? 'other' : k };
}
