// Pure formatting for the views: bpftrace-style histogram labels, numbers, durations,
// and the ordering of map rows. Tested in format.test.ts.
import type { Bucket, StatsValue } from '../../../common/contract/index.js';
import type { ExactInt } from '../../../common/contract/index.js';

export { bucketLabel, suffixed } from '../../../common/format/hist-labels.js';

/** Trim zero buckets at both ends (bpftrace does the same), keeping at least one. */
export function trimBuckets(buckets: readonly Bucket[]): Bucket[] {
  let a = 0;
  let z = buckets.length;
  while (a < z && buckets[a].count === 0) a++;
  while (z > a && buckets[z - 1].count === 0) z--;
  return buckets.slice(a, z);
}

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** 1234567 → "1,234,567"; 12.345 → "12.35". */
export function formatNumber(n: ExactInt): string {
  if (typeof n === 'string') return /^-?\d+$/.test(n) ? grouping.format(BigInt(n)) : n;
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? grouping.format(n) : decimals.format(n);
}

/** Short count for badges: 1234 → "1.2k", 3400000 → "3.4M". */
export function compactNumber(n: number): string {
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [v, u] of units) {
    if (a >= v) {
      const x = n / v;
      return `${Math.abs(x) >= 100 ? Math.round(x) : x.toFixed(1).replace(/\.0$/, '')}${u}`;
    }
  }
  return String(n);
}

/** 65_432 ms → "1:05.4"; 3_725_000 → "1:02:05". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}:${pad(m)}:${pad(Math.floor(s))}`;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

/** Printf timestamps: ms since start → "12.345". */
export function formatOffset(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** A map value of any shape as text. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  if (isStats(v)) return `count ${formatNumber(v.count)}, avg ${formatNumber(v.average)}, total ${formatNumber(v.total)}`;
  return JSON.stringify(v);
}

export function isStats(v: unknown): v is StatsValue {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as StatsValue).count === 'number' &&
    typeof (v as StatsValue).average === 'number' &&
    typeof (v as StatsValue).total === 'number'
  );
}

/** A key as shown: null (scalar map) → "", stack keys (start with \n) keep their frames. */
export function formatKey(key: string | null): string {
  if (key === null) return '';
  if (!key.startsWith('\n')) return key;
  // Stack keys: frames one a line, maybe followed by ",other,parts" after the last newline.
  return key
    .split('\n')
    .map((f) => f.trim())
    .filter((f) => f.length > 0)
    .join(' ← ')
    .replace(/ ← ,/g, ', ');
}

export interface Row<V> {
  key: string | null;
  value: V;
}

/**
 * Rows of a plain map, largest value first when every value is a number (counts, sums);
 * otherwise in key order. Ties keep key order so rows do not jump between snapshots.
 */
export function sortRows<V>(entries: readonly Row<V>[]): Row<V>[] {
  const numeric = entries.every((e) => typeof e.value === 'number');
  const byKey = (a: Row<V>, b: Row<V>) => (a.key ?? '').localeCompare(b.key ?? '');
  return numeric
    ? [...entries].sort((a, b) => (b.value as number) - (a.value as number) || byKey(a, b))
    : [...entries].sort(byKey);
}
