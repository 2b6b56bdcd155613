// The replay's time scrubber, pure: frames are the distinct times (ms, ascending) at which
// the recording printed its maps; the scrubber sits on one of them. Tested in scrubber.test.ts.

/** The frame `delta` steps from `index`, clamped to the ends (no frames: -1). */
export function stepFrame(frames: readonly number[], index: number, delta: number): number {
  if (frames.length === 0) return -1;
  const from = index < 0 ? (delta >= 0 ? -1 : frames.length) : index;
  return Math.max(0, Math.min(frames.length - 1, from + delta));
}

/** The last frame at or before `t` (the state "as it was at t"); the first when t precedes them all. */
export function frameAtOrBefore(frames: readonly number[], t: number): number {
  if (frames.length === 0) return -1;
  let lo = 0;
  let hi = frames.length - 1;
  if (t < frames[0]) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (frames[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A keyboard key on the scrubber → the frame it moves to, or null when the key is not the scrubber's. */
export function frameForKey(frames: readonly number[], index: number, key: string, shift = false): number | null {
  const page = Math.max(1, Math.round(frames.length / 10));
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return stepFrame(frames, index, shift ? -page : -1);
    case 'ArrowRight':
    case 'ArrowUp':
      return stepFrame(frames, index, shift ? page : 1);
    case 'PageDown':
      return stepFrame(frames, index, -page);
    case 'PageUp':
      return stepFrame(frames, index, page);
    case 'Home':
      return frames.length ? 0 : null;
    case 'End':
      return frames.length ? frames.length - 1 : null;
    default:
      return null;
  }
}

/** Seconds with one decimal: 12000 → "12.0 s". */
export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** The readout beside the slider: "at 12.0 s of 30.0 s". The end is the later of the run's duration and the last frame. */
export function readout(t: number, durationMs: number, frames: readonly number[]): string {
  const end = Math.max(durationMs, frames.length ? frames[frames.length - 1] : 0);
  return `at ${seconds(t)} of ${seconds(end)}`;
}

/**
 * Ask for one thing at a time and only for the latest target: while a request is in
 * flight, newer targets replace each other and the last one is asked when it returns.
 * Scrubbing fast never queues a backlog of stale replays.
 */
export class LatestOnly<K, R> {
  private busy = false;
  private next: { key: K } | null = null;

  constructor(
    private readonly fetch: (key: K) => Promise<R>,
    private readonly deliver: (key: K, result: R) => void,
    private readonly fail: (key: K, error: unknown) => void,
  ) {}

  request(key: K): void {
    this.next = { key };
    if (!this.busy) void this.pump();
  }

  /** True while a request is in flight. */
  get pending(): boolean {
    return this.busy;
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (this.next) {
      const { key } = this.next;
      this.next = null;
      let ok = true;
      let result: R | undefined;
      let error: unknown;
      try {
        result = await this.fetch(key);
      } catch (e) {
        ok = false;
        error = e;
      }
      // (Set by request() while we awaited; TypeScript cannot see that.)
      const newer = this.next as { key: K } | null;
      // Asked again for the same thing meanwhile: this answer is the answer.
      if (newer && Object.is(newer.key, key)) this.next = null;
      // A newer target supersedes this answer: don't flash a stale frame.
      else if (newer) continue;
      if (ok) this.deliver(key, result as R);
      else this.fail(key, error);
    }
    this.busy = false;
  }
}

/** Which frames to read for a replay's series: all of them up to `max`, else `max` spread evenly (first and last kept). */
export function sampleFrames(n: number, max: number): number[] {
  if (n <= 0 || max <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max === 1) return [n - 1];
  const out = new Set<number>();
  for (let k = 0; k < max; k++) out.add(Math.round((k * (n - 1)) / (max - 1)));
  return [...out].sort((a, b) => a - b);
}
