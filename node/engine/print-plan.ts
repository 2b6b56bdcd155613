// Which prints kscope adds to a script, and whose each printed map is. Pure: no I/O.
//
// Three rules, each from a measured failure:
//   - The script's own prints win. With `interval:s:1 { print(@, 5); clear(@); }` an
//     injected `print(@)` runs after the user's clear() and its near-empty map replaced what
//     bpftrace printed. So maps the script prints, clears or zeroes itself are never
//     injected; their prints are marked `by: 'script'`.
//   - Stack maps are printed on a signal (their cadence adapts to their size, see
//     flame-cadence.ts). bpftrace 0.17 prints every map on SIGUSR1; 0.22+ ignores SIGUSR1
//     but runs a `self:signal:SIGUSR1` probe (which aborts 0.17). On 0.17 the SIGUSR1 dump
//     also prints the maps the script prints itself, mid-interval; when there are such maps,
//     stack maps go into a fenced interval probe instead.
//   - The exit dump is told from the periodic prints by something a flood cannot drop:
//     bpftrace 0.17 and 0.23 write two blank lines before it (straight to stdout, not through
//     the lossy perf buffer); for newer ones an `END { printf(marker) }` runs before it
//     (after the probes are detached). Older versions allow one END probe only, so the marker
//     is added only when the script has none or bpftrace is 0.27+ (where several are fine).
//     Every print before the exit dump is then a snapshot, whoever printed it; losing a fence
//     marker no longer flips a flag.
import { blankCommentsAndStrings, findAggregationMaps, snapshotBeginMarker, snapshotEndMarker, snapshotExitMarker } from './inject-snapshot.js';
import { stackMapsInSource, stackPrintIntervalMs } from './flame-cadence.js';
import type { KeyPart } from '../../common/profile/stacks.js';
import type { TraceEvent } from '../../common/contract/index.js';

export type StackPrint = 'sigusr1' | 'signal-probe' | 'interval' | null;

export interface SnapshotPlan {
  /** The script bpftrace runs (the user's, plus kscope's probes after it). */
  source: string;
  /** Maps printed by the injected interval probe. */
  intervalMaps: string[];
  /** Every stack map of the script (folded into flame graphs), with its key parts. */
  stackMaps: Map<string, KeyPart[]>;
  /** Stack maps kscope prints itself, and how. */
  stackPrinted: string[];
  stackPrint: StackPrint;
  /** Maps the script prints, clears or zeroes itself: never injected; their prints are `by: 'script'`. */
  scriptPrints: string[];
  /** The END marker was added (else the exit dump is found by bpftrace's blank lines). */
  exitMarker: boolean;
  /** Probes kscope added (not counted as the user's in the status bar). */
  injectedProbes: number;
  /** The script has aggregation maps or prints maps (its run has a result to keep). */
  hasMaps: boolean;
}


/** "0.23.2" → [0, 23, 2]; unknown → null. */
function versionParts(v: string | null | undefined): number[] | null {
  const m = v ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function versionAtLeast(v: string | null | undefined, major: number, minor: number): boolean {
  const p = versionParts(v);
  return !!p && (p[0] > major || (p[0] === major && p[1] >= minor));
}

/** bpftrace 0.17 to 0.23 write two blank lines before the exit dump (0.27 does not). */
export function blankLinesBeforeExitDump(version: string | null | undefined): boolean {
  return versionAtLeast(version, 0, 17) && !versionAtLeast(version, 0, 24);
}

/** bpftrace 0.22+ ignores SIGUSR1 and has `self:signal:SIGUSR1` probes instead. */
export function hasSignalProbe(version: string | null | undefined): boolean {
  return versionAtLeast(version, 0, 22);
}

/** Maps named in `print(@m…)`, `clear(@m)` or `zero(@m)` anywhere in the script. */
export function mapsTheScriptPrints(source: string): string[] {
  const s = blankCommentsAndStrings(source);
  const out: string[] = [];
  for (const m of s.matchAll(/(?<![A-Za-z0-9_])(?:print|clear|zero)\s*\(\s*(@[A-Za-z0-9_]*)/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/** The script has an END probe (alone or in a list: `END, interval:s:5 {`). */
export function hasEndProbe(source: string): boolean {
  return /(?:^|[\s};,])END\s*[,{/]/.test(blankCommentsAndStrings(source));
}

function fenced(fence: string, prints: string[]): string {
  return `printf("${snapshotBeginMarker(fence)}\\n"); ${prints.map((m) => `print(${m}); `).join('')}printf("${snapshotEndMarker(fence)}\\n");`;
}

export function planSnapshots(source: string, opts: { intervalMs: number; fence: string; bpftraceVersion: string | null }): SnapshotPlan {
  if (!/^[a-z0-9]+$/.test(opts.fence)) throw new Error(`invalid fence ${JSON.stringify(opts.fence)}`);
  const scriptPrints = mapsTheScriptPrints(source);
  const own = new Set(scriptPrints);
  const stackMaps = stackMapsInSource(source);
  const periodic = opts.intervalMs > 0;
  const aggs = periodic ? findAggregationMaps(source).filter((m) => !own.has(m)) : [];
  const stackPrinted = aggs.filter((m) => stackMaps.has(m));
  const intervalMaps = aggs.filter((m) => !stackMaps.has(m));
  let stackPrint: StackPrint = null;
  const probes: string[] = [];
  if (stackPrinted.length > 0) {
    if (hasSignalProbe(opts.bpftraceVersion)) {
      stackPrint = 'signal-probe';
      probes.push(`self:signal:SIGUSR1 { ${fenced(opts.fence, stackPrinted)} }`);
    } else if (scriptPrints.length === 0) stackPrint = 'sigusr1';
    else {
      // 0.17's SIGUSR1 dump would also print the script's own maps mid-interval: a fenced
      // interval probe of their own, at the slowest cadence a small map gets.
      stackPrint = 'interval';
      probes.push(`interval:ms:${stackPrintIntervalMs(opts.intervalMs, 0)} { ${fenced(opts.fence, stackPrinted)} }`);
    }
  }
  if (intervalMaps.length > 0) probes.unshift(`interval:ms:${Math.max(1, Math.round(opts.intervalMs))} { ${fenced(opts.fence, intervalMaps)} }`);
  // Only where it is needed: a probe appended to a script also moves a syntax error at its
  // end onto kscope's line, and shows in bpftrace's attached count.
  const somethingToMark = findAggregationMaps(source).length > 0 || scriptPrints.length > 0;
  const exitMarker = somethingToMark && !blankLinesBeforeExitDump(opts.bpftraceVersion) && (!hasEndProbe(source) || versionAtLeast(opts.bpftraceVersion, 0, 27));
  if (exitMarker) probes.push(`END { printf("${snapshotExitMarker(opts.fence)}\\n"); }`);
  return {
    // The leading newline ends a trailing `// comment` that has no newline of its own.
    source: probes.length > 0 ? `${source}\n${probes.join('\n')}\n` : source,
    intervalMaps,
    stackMaps,
    stackPrinted,
    stackPrint,
    scriptPrints,
    exitMarker,
    injectedProbes: probes.length,
    hasMaps: somethingToMark,
  };
}

/**
 * Mark whose each periodic print is (in place, before the events are recorded): a map the
 * script prints itself is `by: 'script'`, any other print before the exit dump is kscope's
 * (the injected probes, SIGUSR1). The exit dump (snapshot false) is bpftrace's: no `by`.
 */
export function attributePrints(events: readonly TraceEvent[], scriptPrints: ReadonlySet<string>): void {
  for (const e of events) {
    if ((e.type === 'map' || e.type === 'hist' || e.type === 'stats') && e.snapshot) e.by = scriptPrints.has(e.name) ? 'script' : 'kscope';
  }
}
