// Snapshot injection: append an interval probe that prints the script's aggregation maps
// between two fence markers, so the decoder can tell periodic snapshots from the user's
// own output and from bpftrace's final dump. Pure: no I/O.
import { randomBytes } from 'node:crypto';

/** Aggregation functions whose maps are worth snapshotting. */
const AGG_FUNCS = new Set(['count', 'sum', 'avg', 'min', 'max', 'stats', 'hist', 'lhist', 'tseries']);

/** The printf line (without its newline) that opens a snapshot. */
export function snapshotBeginMarker(fence: string): string {
  return `__kscope_snap_${fence}_begin__`;
}
/** The printf line (without its newline) that closes a snapshot. */
export function snapshotEndMarker(fence: string): string {
  return `__kscope_snap_${fence}_end__`;
}

/** The printf line (without its newline) kscope's END probe prints just before bpftrace's exit dump. */
export function snapshotExitMarker(fence: string): string {
  return `__kscope_snap_${fence}_exit__`;
}

/** A random nonce, 12 chars of [a-z0-9]. */
export function newFence(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(12);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/**
 * The source with comments and string/char literals replaced by spaces (same length and
 * same newlines), so positions line up with the original.
 */
export function blankCommentsAndStrings(source: string): string {
  const out: string[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source[i];
    const d = source[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && source[i] !== '\n') {
        out.push(' ');
        i++;
      }
    } else if (c === '/' && d === '*') {
      out.push('  ');
      i += 2;
      while (i < n && !(source[i] === '*' && source[i + 1] === '/')) {
        out.push(source[i] === '\n' ? '\n' : ' ');
        i++;
      }
      if (i < n) {
        out.push('  ');
        i += 2;
      }
    } else if (c === '"' || c === "'") {
      const q = c;
      out.push(' ');
      i++;
      while (i < n && source[i] !== q && source[i] !== '\n') {
        if (source[i] === '\\' && i + 1 < n) {
          out.push(source[i + 1] === '\n' ? ' \n' : '  ');
          i += 2;
          continue;
        }
        out.push(' ');
        i++;
      }
      if (i < n && source[i] === q) {
        out.push(' ');
        i++;
      }
    } else {
      out.push(c);
      i++;
    }
  }
  return out.join('');
}

const isIdent = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** Every assignment of an aggregation function (`@x[k] = count()`), in source order. */
export function scanAggregations(source: string): Array<{ name: string; fn: string }> {
  const s = blankCommentsAndStrings(source);
  const n = s.length;
  const found: Array<{ name: string; fn: string }> = [];
  for (let i = 0; i < n; i++) {
    if (s[i] !== '@') continue;
    if (i > 0 && isIdent(s[i - 1])) continue;
    let j = i + 1;
    while (j < n && isIdent(s[j])) j++;
    const name = s.slice(i, j);
    let k = j;
    while (isSpace(s[k])) k++;
    if (s[k] === '[') {
      // Balanced brackets (strings are already blanked, so nesting is structural).
      let depth = 0;
      for (; k < n; k++) {
        if (s[k] === '[' || s[k] === '(' || s[k] === '{') depth++;
        else if (s[k] === ']' || s[k] === ')' || s[k] === '}') {
          depth--;
          if (depth === 0) break;
        }
      }
      if (k >= n) break;
      k++;
      while (isSpace(s[k])) k++;
    }
    if (s[k] !== '=' || s[k + 1] === '=') continue;
    k++;
    while (isSpace(s[k])) k++;
    let f = k;
    while (f < n && isIdent(s[f])) f++;
    const fn = s.slice(k, f);
    while (isSpace(s[f])) f++;
    if (s[f] !== '(' || !AGG_FUNCS.has(fn)) continue;
    found.push({ name, fn });
  }
  return found;
}

/** Maps assigned an aggregation function anywhere (`@x[k] = count()`), in first-seen order. */
export function findAggregationMaps(source: string): string[] {
  return [...new Set(scanAggregations(source).map((a) => a.name))];
}

/**
 * How two values of the same key combine, per map, from the function the script assigns
 * (min() and max() keep the extreme; every other aggregation adds). A map assigned more
 * than one kind (bpftrace refuses that) is left to the default, sum.
 */
export function combineKinds(source: string): Map<string, 'min' | 'max'> {
  const fns = new Map<string, Set<string>>();
  for (const { name, fn } of scanAggregations(source)) {
    let set = fns.get(name);
    if (!set) fns.set(name, (set = new Set()));
    set.add(fn);
  }
  const out = new Map<string, 'min' | 'max'>();
  for (const [name, set] of fns) {
    if (set.size !== 1) continue;
    const fn = [...set][0];
    if (fn === 'min' || fn === 'max') out.set(name, fn);
  }
  return out;
}

/** The probe text that prints `maps` between the fence markers every `intervalMs`. */
export function snapshotProbe(maps: string[], intervalMs: number, fence: string): string {
  const prints = maps.map((m) => `print(${m}); `).join('');
  return (
    `interval:ms:${Math.max(1, Math.round(intervalMs))} { ` +
    `printf("${snapshotBeginMarker(fence)}\\n"); ${prints}printf("${snapshotEndMarker(fence)}\\n"); }`
  );
}

export function injectSnapshot(
  source: string,
  opts: { intervalMs: number; fence: string },
): { source: string; maps: string[]; injectedProbes: number } {
  if (!/^[a-z0-9]+$/.test(opts.fence)) throw new Error(`invalid fence ${JSON.stringify(opts.fence)}`);
  const maps = opts.intervalMs > 0 ? findAggregationMaps(source) : [];
  if (maps.length === 0) return { source, maps: [], injectedProbes: 0 };
  // The leading newline ends a trailing `// comment` that has no newline of its own.
  return {
    source: `${source}\n${snapshotProbe(maps, opts.intervalMs, opts.fence)}\n`,
    maps,
    injectedProbes: 1,
  };
}
