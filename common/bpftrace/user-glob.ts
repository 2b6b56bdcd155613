// bpftrace -l's wildcards for user-space probes, so a search lists what `bpftrace -l` lists:
// `uprobe:/usr/lib/*/libc.so.6:malloc*`, `uprobe:/bin/ba*:read*`,
// `usdt:/usr/lib/x86_64-linux-gnu/*:*`. The path is expanded as glob(3) would (bpftrace hands
// it to glob(): `*` stays inside one directory level and skips dot files); the function or
// USDT part is matched with bpftrace's `*` (any run of characters, ':' included). bpftrace's
// parser accepts no other wildcard (`?` is a syntax error), so neither do we. Pure.

export type UserProbeType = 'uprobe' | 'uretprobe' | 'usdt';

const USER_TYPES: Readonly<Record<string, UserProbeType>> = { uprobe: 'uprobe', u: 'uprobe', uretprobe: 'uretprobe', ur: 'uretprobe', usdt: 'usdt', U: 'usdt' };

export interface UserGlob {
  type: UserProbeType;
  /** The absolute path pattern (may hold `*`). */
  path: string;
  /** Does the path hold a wildcard (so files must be listed)? */
  pathHasGlob: boolean;
  /** What follows the path: the function (uprobe), or `name` / `provider:name` (usdt); '' when absent. */
  rest: string;
}

/**
 * A pattern naming a user-space object by absolute path, with or without `*` in it; null for
 * anything else (kernel types, relative paths or bare names bpftrace would look up in $PATH).
 */
export function parseUserGlob(query: string): UserGlob | null {
  const q = query.trim();
  const colon = q.indexOf(':');
  if (colon < 0) return null;
  const type = Object.prototype.hasOwnProperty.call(USER_TYPES, q.slice(0, colon)) ? USER_TYPES[q.slice(0, colon)] : undefined;
  if (!type) return null;
  const after = q.slice(colon + 1);
  if (!after.startsWith('/')) return null;
  const end = after.indexOf(':');
  const path = end < 0 ? after : after.slice(0, end);
  if (/[?[\]]/.test(path) || path.includes('\0')) return null;
  return { type, path, pathHasGlob: path.includes('*'), rest: end < 0 ? '' : after.slice(end + 1) };
}

/** bpftrace's wildcard: `*` matches any run (empty included); everything else is literal. Linear time. */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The path pattern's levels: literal ones are joined as they are, wildcard ones are listed. */
export function pathLevels(path: string): { name: string; glob: boolean }[] {
  return path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map((name) => ({ name, glob: name.includes('*') }));
}

/** Does a directory entry match one wildcard level, as glob(3) without GLOB_PERIOD decides? */
export function levelMatches(level: string, entry: string): boolean {
  if (entry === '.' || entry === '..') return false;
  if (entry.startsWith('.') && !level.startsWith('.')) return false;
  return wildcardMatch(level, entry);
}

/**
 * Does a probe of an object match the pattern's part after the path? uprobe/uretprobe: the
 * function. usdt: `name` (any provider) or `provider:name`; nothing after the path means all.
 */
export function restMatches(g: Pick<UserGlob, 'type' | 'rest'>, probe: { fn?: string; provider?: string; name?: string }): boolean {
  const rest = g.rest === '' ? '*' : g.rest;
  if (g.type !== 'usdt') return probe.fn !== undefined && wildcardMatch(rest, probe.fn);
  if (probe.provider === undefined || probe.name === undefined) return false;
  // bpftrace splits `usdt:path:a:b` into provider a and name b; `usdt:path:a` is a name in any provider.
  const colon = rest.indexOf(':');
  if (colon < 0) return wildcardMatch(rest, probe.name);
  return wildcardMatch(rest.slice(0, colon), probe.provider) && wildcardMatch(rest.slice(colon + 1), probe.name);
}
