// How often stack maps are printed while a run goes. Pure.
//
// bpftrace resolves every symbol of every stack each time it prints a stack map, so a
// 50k-stack map printed with the other maps five times a second would keep bpftrace busy
// symbolizing. Checked on bpftrace 0.17 (Debian 12) in -f json mode:
//   - a tick divider in the injected probe (`@__kscope_tick = @__kscope_tick + 1;
//     if (@__kscope_tick % K == 0) { print(@s); }`) is valid 0.17, but K is fixed when the
//     script starts, while the cost depends on the map's size, known only at run time; and
//     the tick map itself would show in bpftrace's exit dump;
//   - SIGUSR1 makes bpftrace print every map at once, as ordinary `{"type": "map", ...}`
//     lines (no fence), without stopping.
// So stack maps are left out of the injected snapshot probe and the engine sends SIGUSR1 at
// an interval that grows with the number of stacks the last print had (see
// `stackPrintIntervalMs`). The SIGUSR1 dump also prints the other maps: harmless, they are
// the same values as the next snapshot (marked snapshot: true, by: 'kscope'). bpftrace 0.22+
// ignores SIGUSR1: there a `self:signal:SIGUSR1` probe prints the stack maps (print-plan.ts).
// SIGUSR1 is only sent after bpftrace reported attached_probes (its handler is installed by
// then; before, the default action would kill it).
import { blankCommentsAndStrings, findAggregationMaps, snapshotProbe } from './inject-snapshot.js';
import type { KeyPart } from '../../common/profile/stacks.js';

/** The key expression of each map assigned with `@m[...] = ` (first seen), from the script. */
export function mapKeyExpressions(source: string): Map<string, string> {
  const s = blankCommentsAndStrings(source);
  const out = new Map<string, string>();
  const re = /@([A-Za-z0-9_]*)\s*\[/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const name = `@${m[1]}`;
    let depth = 0;
    let k = m.index + m[0].length - 1;
    const begin = k + 1;
    for (; k < s.length; k++) {
      if (s[k] === '[' || s[k] === '(' || s[k] === '{') depth++;
      else if (s[k] === ']' || s[k] === ')' || s[k] === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (!out.has(name)) out.set(name, s.slice(begin, k));
  }
  return out;
}

function splitTopLevel(expr: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of expr) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

const NUMBER_KEYS = /^(pid|tid|cpu|uid|gid|cgroup|retval|arg\d|nsecs|elapsed|args->\w+|\$\w+)$/;

/** Aggregation maps whose key holds kstack/ustack, with their key parts as far as the script says. */
export function stackMapsInSource(source: string): Map<string, KeyPart[]> {
  const aggs = new Set(findAggregationMaps(source));
  const out = new Map<string, KeyPart[]>();
  for (const [name, expr] of mapKeyExpressions(source)) {
    if (!aggs.has(name) || !/\b[ku]stack\b/.test(expr)) continue;
    out.set(
      name,
      splitTopLevel(expr).map((p) => (/^kstack\b/.test(p) ? 'kstack' : /^ustack\b/.test(p) ? 'ustack' : NUMBER_KEYS.test(p) ? 'number' : 'string')),
    );
  }
  return out;
}

/**
 * Snapshot injection that leaves stack maps out of the interval probe (the engine prints
 * them with SIGUSR1 instead). Same shape as injectSnapshot's answer, plus the stack maps.
 */
export function injectSnapshotWithStacks(
  source: string,
  opts: { intervalMs: number; fence: string },
): { source: string; maps: string[]; injectedProbes: number; stackMaps: Map<string, KeyPart[]> } {
  if (!/^[a-z0-9]+$/.test(opts.fence)) throw new Error(`invalid fence ${JSON.stringify(opts.fence)}`);
  const stackMaps = stackMapsInSource(source);
  const maps = opts.intervalMs > 0 ? findAggregationMaps(source).filter((m) => !stackMaps.has(m)) : [];
  if (maps.length === 0) return { source, maps: [], injectedProbes: 0, stackMaps };
  return { source: `${source}\n${snapshotProbe(maps, opts.intervalMs, opts.fence)}\n`, maps, injectedProbes: 1, stackMaps };
}

/**
 * The interval between SIGUSR1 prints of stack maps, given the most keys a stack map had at
 * its last print: at least the snapshot interval and 1 s; +1 s per 10k stacks; at most 10 s.
 * (Symbolizing 50k stacks takes bpftrace a few hundred ms; this keeps it under ~10% busy.)
 * And its change rate, when the recording knows it (`changed`: the largest share of a stack
 * map's entries its last print changed): a print that changed under a quarter of the keys
 * was mostly a repeat, so the next waits longer, up to 3× (and 30 s) when ≤ 1% changed —
 * a quiet profile costs bpftrace less symbolizing and the recording fewer lines, a busy one
 * keeps the size's cadence.
 */
export function stackPrintIntervalMs(snapshotMs: number, lastKeys: number, changed: number | null = null): number {
  const base = Math.max(1000, snapshotMs);
  const bySize = Math.min(10_000, Math.round(base + lastKeys / 10));
  if (changed === null || !(changed < QUIET)) return bySize;
  const slower = 1 + (MAX_SLOWER - 1) * Math.min(1, (QUIET - changed) / (QUIET - STILL));
  return Math.min(30_000, Math.round(bySize * slower));
}
/** Below this share of changed keys a print counts as partly a repeat; at STILL or below, as one. */
const QUIET = 0.25;
const STILL = 0.01;
const MAX_SLOWER = 3;
