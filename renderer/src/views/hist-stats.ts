// Pure histogram arithmetic for the charts: totals, percentiles estimated by linear
// interpolation within a bucket, and the bars as the chart draws them.
import type { Bucket } from '../../../common/contract/index.js';
import { intToNumber } from '../../../common/contract/index.js';
import { bucketLabel, trimBuckets } from './format.js';
import { iecBytes } from '../../../common/format/hist-labels.js';
import { formatBytes } from '../../../common/format/bytes.js';
import { unitLabel, type ValueUnit } from '../../../common/bpftrace/map-units.js';

export function totalCount(buckets: readonly Bucket[]): number {
  let s = 0;
  for (const b of buckets) s += b.count;
  return s;
}

/**
 * The value below which a fraction `p` (0..1) of the samples fall, assuming samples are
 * spread evenly within their bucket. A bucket [min, max] covers [min, max+1) (bpftrace's
 * buckets hold integers); a one-value bucket ([0], [1]) gives its value; the underflow
 * bucket gives its upper bound and the overflow bucket its lower bound (their other end is
 * unknown). null when there are no samples.
 */
export function percentile(buckets: readonly Bucket[], p: number): number | null {
  const total = totalCount(buckets);
  if (total <= 0) return null;
  const target = Math.min(1, Math.max(0, p)) * total;
  let before = 0;
  // In value order (underflow first, overflow last), whatever order they came in.
  // A percentile is an estimate for display: bounds beyond 2^53 may round here.
  const pos = (b: Bucket) => (b.min === undefined ? -Infinity : intToNumber(b.min));
  const ordered = [...buckets].sort((x, y) => pos(x) - pos(y));
  for (const b of ordered) {
    if (b.count <= 0) continue;
    if (before + b.count >= target) {
      if (b.min === undefined) return b.max === undefined ? null : intToNumber(b.max);
      if (b.max === undefined) return intToNumber(b.min);
      if (b.max === b.min) return intToNumber(b.min);
      const min = intToNumber(b.min);
      const within = (target - before) / b.count;
      return min + within * (intToNumber(b.max) + 1 - min);
    }
    before += b.count;
  }
  const last = [...buckets].reverse().find((b) => b.count > 0)!;
  const end = last.max ?? last.min;
  return end === undefined ? null : intToNumber(end);
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  /** Where a percentile falls in an open-ended bucket: only a bound is known ("≥ 2000", "< 0"). */
  open: { p50: OpenEnd; p90: OpenEnd; p99: OpenEnd };
}

export type OpenEnd = 'atLeast' | 'below' | null;

/** Whether the bucket holding percentile `p` is the overflow ([x, …): atLeast) or underflow (below). */
export function percentileOpenEnd(buckets: readonly Bucket[], p: number): OpenEnd {
  const total = totalCount(buckets);
  if (total <= 0) return null;
  const target = Math.min(1, Math.max(0, p)) * total;
  const pos = (b: Bucket) => (b.min === undefined ? -Infinity : intToNumber(b.min));
  let before = 0;
  for (const b of [...buckets].sort((x, y) => pos(x) - pos(y))) {
    if (b.count <= 0) continue;
    if (before + b.count >= target) return b.min === undefined ? 'below' : b.max === undefined ? 'atLeast' : null;
    before += b.count;
  }
  return null;
}

export function percentiles(buckets: readonly Bucket[]): Percentiles {
  return {
    p50: percentile(buckets, 0.5),
    p90: percentile(buckets, 0.9),
    p99: percentile(buckets, 0.99),
    open: { p50: percentileOpenEnd(buckets, 0.5), p90: percentileOpenEnd(buckets, 0.9), p99: percentileOpenEnd(buckets, 0.99) },
  };
}

/** "≥ " or "< " before a percentile that only has a bound. */
export function openPrefix(o: OpenEnd): string {
  return o === 'atLeast' ? '≥ ' : o === 'below' ? '< ' : '';
}

export interface BarDatum {
  label: string;
  count: number;
  /** Share of all samples, 0..1. */
  share: number;
  /** The underflow (..., x) or overflow [x, ...) bucket. */
  edge: 'under' | 'over' | null;
}

/** The bars of one histogram: zero buckets trimmed at both ends (as bpftrace prints them); byte buckets named in IEC units. */
export function histBars(buckets: readonly Bucket[], unit: ValueUnit | null = null): BarDatum[] {
  const trimmed = trimBuckets(buckets);
  const total = totalCount(trimmed);
  return trimmed.map((b) => ({
    label: unit === 'bytes' ? bucketLabel(b, iecBytes) : bucketLabel(b),
    count: b.count,
    share: total > 0 ? b.count / total : 0,
    edge: b.min === undefined ? 'under' : b.max === undefined ? 'over' : null,
  }));
}

/** Keys of a keyed histogram by sample count, largest first (ties by key). */
export function rankKeys<E extends { key: string | null; buckets: readonly Bucket[] }>(entries: readonly E[]): E[] {
  return entries
    .map((e) => ({ e, n: totalCount(e.buckets) }))
    .sort((a, b) => b.n - a.n || (a.e.key ?? '').localeCompare(b.e.key ?? ''))
    .map((x) => x.e);
}

/** A percentile for display: integers grouped, small values with a decimal, bpftrace-ish suffixes for big ones. */
export function formatEstimate(v: number | null): string {
  if (v === null) return '—';
  const a = Math.abs(v);
  if (a >= 1024 * 1024 * 1024) return `${(v / 1024 ** 3).toFixed(1)}G`;
  if (a >= 1024 * 1024) return `${(v / 1024 ** 2).toFixed(1)}M`;
  if (a >= 10 * 1024) return `${(v / 1024).toFixed(1)}K`;
  if (a >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return v.toFixed(1);
}

/** What a histogram's value axis measures ("ns", "bytes"), or "value" when the script does not say. */
export function histAxisLabel(unit: ValueUnit | null): string {
  return unit && unit !== 'events' ? unitLabel(unit) : 'value';
}

/** A percentile with its unit: bytes in IEC ("1.5 KiB"), times with theirs ("2.1K ns", K as bpftrace's 1024). */
export function formatEstimateIn(v: number | null, unit: ValueUnit | null): string {
  if (v === null || unit === null || unit === 'events') return formatEstimate(v);
  if (unit === 'bytes') return v >= 1024 ? formatBytes(v) : `${formatEstimate(v)} B`;
  return `${formatEstimate(v)} ${unitLabel(unit)}`;
}
