// What to do while bpftrace stops. Pure: the session samples and acts.
//
// After SIGINT bpftrace prints its maps; symbolizing user stacks can take it tens of seconds
// (more when a browser or Electron was sampled). The old fixed deadline (SIGINT, 5 s,
// SIGTERM) threw whole profiles away. Now kscope waits as long as bpftrace is visibly working
// (its stdout grows or it uses CPU) and says so; only when it has been quiet for `quietMs` does
// kscope escalate (SIGTERM, then SIGKILL). The user can force it at any time.

export interface StopSample {
  /** ms since SIGINT. */
  at: number;
  /** stdout bytes read since SIGINT. */
  bytes: number;
  /** bpftrace's CPU time (clock ticks), null when it cannot be read (e.g. through the helper). */
  cpuTicks: number | null;
}

export type StopAction = 'wait' | 'sigterm' | 'sigkill';

export interface StopWatchOptions {
  /** Escalate after this long without output or CPU use. */
  quietMs: number;
  /** After SIGTERM, SIGKILL after this long. */
  sigtermMs: number;
  /** Give up waiting after this long even if bpftrace keeps working (a runaway). */
  maxMs: number;
}

export class StopWatch {
  private last: StopSample = { at: 0, bytes: 0, cpuTicks: null };
  private lastProgressAt = 0;
  private sigtermAt: number | null = null;
  /** bpftrace was seen working (output or CPU) since SIGINT. */
  busy = false;

  constructor(private readonly opts: StopWatchOptions) {}

  sample(s: StopSample): StopAction {
    const moved = s.bytes > this.last.bytes || (s.cpuTicks !== null && this.last.cpuTicks !== null && s.cpuTicks > this.last.cpuTicks);
    if (moved) {
      this.lastProgressAt = s.at;
      this.busy = true;
    }
    this.last = s;
    if (this.sigtermAt !== null) return s.at - this.sigtermAt >= this.opts.sigtermMs ? 'sigkill' : 'wait';
    if (s.at - this.lastProgressAt >= this.opts.quietMs || s.at >= this.opts.maxMs) {
      this.sigtermAt = s.at;
      return 'sigterm';
    }
    return 'wait';
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** What the user is told while bpftrace stops. */
export function stoppingMessage(bytes: number, hasStackMaps: boolean): string {
  const what = hasStackMaps ? 'bpftrace is resolving stack symbols' : 'bpftrace is printing its final maps';
  return `${what}: ${formatBytes(bytes)} so far (Stop again to force; the last snapshot is kept)`;
}

export type StopResult = 'final' | 'partial' | 'last-snapshot';

/**
 * Whether the run's maps are bpftrace's final print: all of it (it exited by itself), part of
 * it (stopped by force during the exit dump: the maps printed by then are final, the others
 * are their last snapshot), or none (stopped by force before the exit dump began).
 */
export function stopResult(o: { exitDumpBegan: boolean; killed: boolean }): StopResult {
  if (!o.killed) return 'final';
  return o.exitDumpBegan ? 'partial' : 'last-snapshot';
}

export function stopResultMessage(result: StopResult, finalMaps: readonly string[], snapshotMaps: readonly string[], forced: boolean): string | null {
  if (result === 'final') return null;
  const how = forced ? 'Stopped by force' : 'bpftrace was killed (it went quiet, or was killed from outside)';
  const kept = snapshotMaps.length > 0 ? `the result of ${snapshotMaps.join(', ')} is its last snapshot` : 'no map had a snapshot to keep';
  return result === 'partial'
    ? `${how} during bpftrace's final print: ${finalMaps.join(', ') || 'no map'} printed in full; ${kept}`
    : `${how} before bpftrace's final print: ${kept}`;
}
