// Per-map, per-key history of counting maps across updates: the rate column (Δvalue/Δt
// between consecutive snapshots) and the time series of the top keys. Immutable values:
// recording returns a new version that shares the old one's samples (see MapHistory), so
// the session reducers never mutate their input.
import { intToNumber, isExactInt } from '../../../common/contract/index.js';

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

/** One key's history as a version of MapHistory sees it. */
export interface KeyHistory {
  readonly key: string;
  /** Samples in the series (decimated to fit the map's budget). */
  readonly n: number;
  /** The two latest samples, kept at full resolution whatever the decimation did. */
  readonly prev: Sample | null;
  readonly last: Sample;
}

/**
 * One counting map's history. Immutable: `recorded` returns a new version (or this one,
 * unchanged), and every earlier version reads exactly as it did.
 *
 * Cheap to version (a snapshot of a 10k-key map must not copy 200k samples, nor allocate
 * an object per key, which left the garbage collector most of the work): keys get a slot
 * number once, in a table every version shares (append-only; a version ignores slots it
 * has not filled); a version is three arrays indexed by slot: each series' buffer, how many
 * of its samples this version sees, and the sample before the last. Buffers are shared:
 * a newer version appends past an older one's length, which the older one never reads
 * (an older version that records again copies its buffer first).
 */
export class MapHistory {
  private constructor(
    private readonly slotOf: Map<string, number>,
    private readonly keyAt: string[],
    private readonly bufs: readonly (Sample[] | undefined)[],
    private readonly lens: Uint32Array,
    private readonly prevs: readonly (Sample | null)[],
    /** Keys this version has. */
    readonly size: number,
    /** Time of the last snapshot recorded (repeats of the same snapshot are ignored). */
    readonly lastT: number,
    readonly snapshots: number,
  ) {}

  static empty(): MapHistory {
    return new MapHistory(new Map(), [], [], new Uint32Array(0), [], 0, -Infinity, 0);
  }

  /** This history with one more snapshot of the map; non-numeric values are ignored. */
  recorded(t: number, entries: readonly { key: string | null; value: unknown }[]): MapHistory {
    if (t <= this.lastT) return this;
    const bufs = this.bufs.slice();
    const prevs = this.prevs.slice();
    let lens = this.lens.slice();
    let size = this.size;
    const cap = perKeyCap(Math.max(size, entries.length));
    for (const e of entries) {
      // Charts and rates are approximate beyond 2^53 (the table shows the exact value).
      const v = typeof e.value === 'number' ? e.value : isExactInt(e.value) ? intToNumber(e.value) : null;
      if (v === null) continue;
      const k = e.key ?? '';
      const s: Sample = { t, v };
      let i = this.slotOf.get(k);
      if (i === undefined) {
        i = this.slotOf.size;
        this.slotOf.set(k, i);
        this.keyAt[i] = k;
      }
      if (i >= lens.length) {
        const grown = new Uint32Array(Math.max(16, i + 1, lens.length * 2));
        grown.set(lens);
        lens = grown;
      }
      let buf = bufs[i];
      const n = lens[i];
      if (!buf || n === 0) {
        bufs[i] = [s];
        lens[i] = 1;
        prevs[i] = null;
        size++;
        continue;
      }
      prevs[i] = buf[n - 1];
      if (buf.length !== n) buf = buf.slice(0, n); // an older version records again: branch off
      buf.push(s); // past every existing version's length: invisible to them
      if (n + 1 > cap) {
        buf = decimate(buf, Math.max(2, Math.floor(cap / 2)));
      }
      bufs[i] = buf;
      lens[i] = buf.length;
    }
    return new MapHistory(this.slotOf, this.keyAt, bufs, lens, prevs, size, t, this.snapshots + 1);
  }

  private at(i: number | undefined): KeyHistory | undefined {
    if (i === undefined || i >= this.lens.length || this.lens[i] === 0) return undefined;
    const n = this.lens[i];
    return { key: this.keyAt[i], n, prev: this.prevs[i] ?? null, last: this.bufs[i]![n - 1] };
  }

  /** Every key's history (in the order keys first appeared). */
  *keys(): IterableIterator<KeyHistory> {
    for (let i = 0; i < this.lens.length; i++) {
      const h = this.at(i);
      if (h) yield h;
    }
  }

  /** Per-second rate of a key from its last two snapshots; null with fewer than two. */
  rate(key: string | null): number | null {
    const h = this.at(this.slotOf.get(key ?? ''));
    return h ? rateOf(h.prev, h.last) : null;
  }

  series(key: string | null): Sample[] {
    const i = this.slotOf.get(key ?? '');
    const h = this.at(i);
    return h ? this.bufs[i!]!.slice(0, h.n) : [];
  }
}

/** Δvalue/Δt per second between two samples; null when there is no earlier one. */
export function rateOf(prev: Sample | null, last: Sample | null): number | null {
  if (!prev || !last) return null;
  const dt = last.t - prev.t;
  if (dt <= 0) return null;
  return ((last.v - prev.v) * 1000) / dt;
}

/** All counting maps of a run. Immutable, like MapHistory. */
export class History {
  constructor(readonly maps: ReadonlyMap<string, MapHistory> = new Map()) {}
  /** This history with one more snapshot of map `name` (this one when nothing changed). */
  recorded(name: string, t: number, entries: readonly { key: string | null; value: unknown }[]): History {
    const before = this.maps.get(name) ?? MapHistory.empty();
    const after = before.recorded(t, entries);
    if (after === before) return this;
    return new History(new Map(this.maps).set(name, after));
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
  return [...h.keys()]
    .filter((k) => !keep || keep(k.key))
    .sort((a, b) => b.last.v - a.last.v || a.key.localeCompare(b.key))
    .slice(0, n)
    .map((k) => k.key);
}

/** events/s between two statuses (Δevents / Δelapsed); null before there are two. */
export function eventRate(prev: { events: number; elapsedMs: number } | null, cur: { events: number; elapsedMs: number }): number | null {
  if (!prev) return null;
  const dt = cur.elapsedMs - prev.elapsedMs;
  if (dt <= 0) return null;
  return Math.max(0, ((cur.events - prev.events) * 1000) / dt);
}
