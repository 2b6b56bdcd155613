// Which decoded events the script's probes produced, for the status bar's events and rate.
// bpftrace does not report how often a probe fired; what it does report per firing is its
// output: a printf line, a print() of a value, a print() of a map the script asked for.
// kscope's own periodic snapshots (by 'kscope') and the exit dump (no `by`, not a snapshot)
// are prints of the same maps, not events, and bpftrace's messages (attached, lost, errors)
// are about the run. Pure.
import type { TraceEvent } from '../contract/index.js';

export function isOutputEvent(e: TraceEvent): boolean {
  switch (e.type) {
    case 'printf':
    case 'value':
      return true;
    case 'map':
    case 'hist':
    case 'stats':
      return e.by === 'script';
    default:
      return false;
  }
}

/** What the status bar says it counts (its label's tooltip). */
export const OUTPUT_EVENTS_MEANING =
  "Output the script's probes produced, as bpftrace reported it: printf lines, print() values and the script's own map prints. Not counted: kscope's periodic map snapshots, the final map dump, bpftrace's own messages (bpftrace does not report how often a probe fired).";
