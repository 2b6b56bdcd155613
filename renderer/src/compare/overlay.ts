// Overlaying A's and B's maps (pure): histograms as two series over the union of their
// buckets, tables as rows keyed the same with both values and the change. Shares, not
// raw counts, are compared when the runs differ in length. Tested in overlay.test.ts.
import type { AggregateEvent, Bucket, HistEvent, MapEvent, StatsEvent } from '../../../common/contract/index.js';
import { intToNumber } from '../../../common/contract/index.js';
import { bucketLabel, formatKey } from '../views/format.js';

export interface OverlayBar {
  label: string;
  a: number;
  b: number;
  /** Each side's count as a share of its own total (comparable across runs of any length). */
  shareA: number;
  shareB: number;
}

const bucketId = (b: Bucket) => `${b.min ?? '-inf'}:${b.max ?? 'inf'}`;
const sortKey = (b: Bucket) => (b.min === undefined ? -Infinity : intToNumber(b.min)) + (b.max === undefined ? Infinity : intToNumber(b.max)) * 1e-12;

/** Two bucket lists on one axis: the union of buckets in order, zeros where one side has none; zero edges trimmed. */
export function overlayBuckets(a: readonly Bucket[], b: readonly Bucket[]): OverlayBar[] {
  const all = new Map<string, { bucket: Bucket; a: number; b: number }>();
  for (const x of a) {
    const e = all.get(bucketId(x)) ?? { bucket: x, a: 0, b: 0 };
    e.a += x.count;
    all.set(bucketId(x), e);
  }
  for (const x of b) {
    const e = all.get(bucketId(x)) ?? { bucket: x, a: 0, b: 0 };
    e.b += x.count;
    all.set(bucketId(x), e);
  }
  const rows = [...all.values()].sort((x, y) => sortKey(x.bucket) - sortKey(y.bucket));
  let lo = 0;
  let hi = rows.length;
  while (lo < hi && rows[lo].a === 0 && rows[lo].b === 0) lo++;
  while (hi > lo && rows[hi - 1].a === 0 && rows[hi - 1].b === 0) hi--;
  const kept = rows.slice(lo, hi);
  const ta = kept.reduce((s, r) => s + r.a, 0);
  const tb = kept.reduce((s, r) => s + r.b, 0);
  return kept.map((r) => ({ label: bucketLabel(r.bucket), a: r.a, b: r.b, shareA: ta ? r.a / ta : 0, shareB: tb ? r.b / tb : 0 }));
}

export interface OverlayHist {
  key: string | null;
  bars: OverlayBar[];
  countA: number;
  countB: number;
}

/** A keyed histogram overlaid key by key (keys in either side), busiest (A + B) first. */
export function overlayHist(a: HistEvent, b: HistEvent, limit = 12): OverlayHist[] {
  const keys = new Map<string, { key: string | null; a: Bucket[]; b: Bucket[] }>();
  const id = (k: string | null) => (k === null ? '\0' : k);
  for (const e of a.entries) keys.set(id(e.key), { key: e.key, a: e.buckets, b: [] });
  for (const e of b.entries) {
    const x = keys.get(id(e.key)) ?? { key: e.key, a: [], b: [] };
    x.b = e.buckets;
    keys.set(id(e.key), x);
  }
  const sum = (bs: Bucket[]) => bs.reduce((s, x) => s + x.count, 0);
  return [...keys.values()]
    .map((k) => ({ key: k.key, bars: overlayBuckets(k.a, k.b), countA: sum(k.a), countB: sum(k.b) }))
    .sort((x, y) => y.countA + y.countB - (x.countA + x.countB) || formatKey(x.key).localeCompare(formatKey(y.key)))
    .slice(0, limit);
}

export interface OverlayRow {
  key: string | null;
  a: number | null;
  b: number | null;
  /** b − a when both are numbers; the relative change (b − a) / a when a ≠ 0. */
  delta: number | null;
  ratio: number | null;
}

function numeric(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // stats(): compare the counts (avg() maps are plain numbers already).
  if (v && typeof v === 'object' && 'count' in v && typeof (v as { count: unknown }).count === 'number') return (v as { count: number }).count;
  return null;
}

/** A map (or stats map) overlaid by key; rows by the larger |change| first, then by B. */
export function overlayRows(a: MapEvent | StatsEvent, b: MapEvent | StatsEvent): OverlayRow[] {
  const rows = new Map<string, OverlayRow>();
  const id = (k: string | null) => (k === null ? '\0' : k);
  for (const e of a.entries) rows.set(id(e.key), { key: e.key, a: numeric(e.value), b: null, delta: null, ratio: null });
  for (const e of b.entries) {
    const r = rows.get(id(e.key)) ?? { key: e.key, a: null, b: null, delta: null, ratio: null };
    r.b = numeric(e.value);
    rows.set(id(e.key), r);
  }
  const out = [...rows.values()].map((r) => {
    const delta = r.a !== null || r.b !== null ? (r.b ?? 0) - (r.a ?? 0) : null;
    const ratio = r.a !== null && r.a !== 0 && delta !== null ? delta / Math.abs(r.a) : null;
    return { ...r, delta, ratio };
  });
  return out.sort((x, y) => Math.abs(y.delta ?? 0) - Math.abs(x.delta ?? 0) || (y.b ?? 0) - (x.b ?? 0));
}

export interface OverlayPair {
  name: string;
  kind: 'hist' | 'table';
  a: AggregateEvent;
  b: AggregateEvent;
}

/** Maps present in both (same name, same kind), in A's order; stack maps are compared in the flame graph instead. */
export function pairMaps(a: readonly AggregateEvent[], b: readonly AggregateEvent[], exclude: readonly string[] = []): OverlayPair[] {
  const byName = new Map(b.map((m) => [m.name, m]));
  const out: OverlayPair[] = [];
  for (const m of a) {
    const other = byName.get(m.name);
    if (!other || exclude.includes(m.name)) continue;
    if (m.type === 'hist' && other.type === 'hist') out.push({ name: m.name, kind: 'hist', a: m, b: other });
    else if (m.type !== 'hist' && other.type !== 'hist') out.push({ name: m.name, kind: 'table', a: m, b: other });
  }
  return out;
}
