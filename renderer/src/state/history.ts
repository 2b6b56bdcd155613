// Per-map, per-key history of counting maps across updates: the rate column (Δvalue/Δt
// between consecutive snapshots) and the time series of the top keys. Pure functions plus a
// small mutable store (copying 10k series on every frame would cost more than it shows);
// the session store bumps a version when it records, so views know to re-read.

export interface Sample {
  /** ms since the run started (the snapshot's time). */
  t: number;
  v: number;
}

/** Samples kept over all keys of one map; each key's series is decimated to fit. */
export const MAP_SAMPLE_BUDGET = 200_000;
/** Most samples kept for one key (a 1 s snapshot: 20 min at full resolution). */
export const KEY_SAMPLE_CAP = 1200;

/** Per-key cap for a map with this many keys: the budget shared, at least 2 (for the rate). */
export function perKeyCap(keys: number): number {
  return Math.max(2, Math.min(KEY_SAMPLE_CAP, Math.floor(MAP_SAMPLE_BUDGET / Math.max(1, keys))));
}

/** Halve a series (every other sample, the last one kept) until it fits `cap`. */
export function decimate(series: Sample[], cap: number): Sample[] {
  let s = series;
  while (s.length > cap) {
    const last = s[s.length - 1];
    const half = s.filter((_, i) => i % 2 === 0);
    if (half[half.length - 1] !== last) half[half.length - 1] = last;
    s = half;
  }
  return s;
}

export interface KeyHistory {
  series: Sample[];
  /** The two latest samples, kept at full resolution whatever the decimation did. */
  prev: Sample | null;
  last: Sample;
}

export class MapHistory {
  readonly keys = new Map<string, KeyHistory>();
  /** Time of the last snapshot recorded (repeats of the same snapshot are ignored). */
  lastT = -Infinity;
  snapshots = 0;

  /** Record one snapshot of a counting map; non-numeric values are ignored. */
  record(t: number, entries: readonly { key: string | null; value: unknown }[]): boolean {
    if (t <= this.lastT) return false;
    this.lastT = t;
    this.snapshots++;
    const cap = perKeyCap(Math.max(this.keys.size, entries.length));
    for (const e of entries) {
      if (typeof e.value !== 'number') continue;
      const k = e.key ?? '';
      const s: Sample = { t, v: e.value };
      const h = this.keys.get(k);
      if (!h) {
        this.keys.set(k, { series: [s], prev: null, last: s });
        continue;
      }
      h.prev = h.last;
      h.last = s;
      h.series.push(s);
      if (h.series.length > cap) h.series = decimate(h.series, Math.max(2, Math.floor(cap / 2)));
    }
    return true;
  }

  /** Per-second rate of a key from its last two snapshots; null with fewer than two. */
  rate(key: string | null): number | null {
    const h = this.keys.get(key ?? '');
    return h ? rateOf(h.prev, h.last) : null;
  }

  series(key: string | null): Sample[] {
    return this.keys.get(key ?? '')?.series ?? [];
  }
}

/** Δvalue/Δt per second between two samples; null when there is no earlier one. */
export function rateOf(prev: Sample | null, last: Sample | null): number | null {
  if (!prev || !last) return null;
  const dt = last.t - prev.t;
  if (dt <= 0) return null;
  return ((last.v - prev.v) * 1000) / dt;
}

/** All counting maps of a run. */
export class History {
  readonly maps = new Map<string, MapHistory>();
  record(name: string, t: number, entries: readonly { key: string | null; value: unknown }[]): boolean {
    let m = this.maps.get(name);
    if (!m) this.maps.set(name, (m = new MapHistory()));
    return m.record(t, entries);
  }
  get(name: string): MapHistory | undefined {
    return this.maps.get(name);
  }
}

/**
 * Downsample a series to at most `max` points keeping its shape: the series is cut into
 * max/2 buckets by time and each keeps its lowest and highest sample (in time order). The
 * first and last samples are always kept.
 */
export function downsample(points: readonly Sample[], max: number): Sample[] {
  const limit = Math.max(2, Math.floor(max));
  if (points.length <= limit) return points.slice();
  const first = points[0];
  const last = points[points.length - 1];
  const inner = points.slice(1, -1);
  const buckets = Math.max(1, Math.floor((limit - 2) / 2));
  const t0 = inner[0].t;
  const span = inner[inner.length - 1].t - t0 || 1;
  const out: Sample[] = [first];
  let b = -1;
  let lo: Sample | null = null;
  let hi: Sample | null = null;
  const flush = () => {
    if (!lo || !hi) return;
    if (lo === hi) out.push(lo);
    else if (lo.t <= hi.t) out.push(lo, hi);
    else out.push(hi, lo);
  };
  for (const p of inner) {
    const pb = Math.min(buckets - 1, Math.floor(((p.t - t0) / span) * buckets));
    if (pb !== b) {
      flush();
      b = pb;
      lo = hi = p;
    } else {
      if (p.v < lo!.v) lo = p;
      if (p.v > hi!.v) hi = p;
    }
  }
  flush();
  out.push(last);
  return out;
}

/** Points per series for a chart `width` pixels wide: ≤ 1 a pixel and never more than 600. */
export function pointsFor(width: number): number {
  return Math.max(2, Math.min(600, Math.floor(width)));
}

/** The keys with the largest latest value (the series chart's lines). */
export function topKeys(h: MapHistory, n: number, keep?: (key: string) => boolean): string[] {
  return [...h.keys.entries()]
    .filter(([k]) => !keep || keep(k))
    .sort((a, b) => b[1].last.v - a[1].last.v || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([k]) => k);
}

/** events/s between two statuses (Δevents / Δelapsed); null before there are two. */
export function eventRate(prev: { events: number; elapsedMs: number } | null, cur: { events: number; elapsedMs: number }): number | null {
  if (!prev) return null;
  const dt = cur.elapsedMs - prev.elapsedMs;
  if (dt <= 0) return null;
  return Math.max(0, ((cur.events - prev.events) * 1000) / dt);
}
