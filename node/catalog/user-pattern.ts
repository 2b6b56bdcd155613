// A bpftrace -l pattern that names a binary or library (`uprobe:/bin/bash:read*`,
// `usdt:/usr/lib/x86_64-linux-gnu/libc.so.6:*`): the path to read probes from, so a search
// box query lists what `bpftrace -l` lists for it without a separate binary picker. Pure.

export interface UserPattern {
  /** The binary or library path (absolute, no wildcards: bpftrace globs only the last part). */
  binary: string;
}

const USER_PREFIX = /^(uprobe|uretprobe|usdt|u|ur|U):(\/[^:*?[\]]+)(?::|$)/;

/** The binary a pattern names, or null (kernel types, relative paths, wildcards in the path). */
export function userPatternBinary(query: string): UserPattern | null {
  const m = USER_PREFIX.exec(query.trim());
  return m ? { binary: m[2] } : null;
}
