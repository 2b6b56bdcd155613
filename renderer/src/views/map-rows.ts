// Rows of a counting map as the table shows them: filtered by key, sorted by a column,
// with the per-second rate from the map's history. Pure; tested in map-rows.test.ts.
import { compareInts, isExactInt, type ExactInt } from '../../../common/contract/index.js';
import type { MapHistory } from '../state/history.js';
import { formatNumber } from './format.js';

export type SortColumn = 'key' | 'value' | 'rate';
export interface Sort {
  column: SortColumn;
  desc: boolean;
}

export interface CountRow {
  key: string | null;
  /** Exact: decimal text beyond 2^53 (sorted and shown exactly; bars use its approximate size). */
  value: ExactInt;
  rate: number | null;
}

/** A number, or an integer beyond 2^53 as decimal text. */
const isCount = (v: unknown): v is ExactInt => typeof v === 'number' || isExactInt(v);

/** Keys are matched raw (tuple commas and stack frames included), case-insensitively. */
export function countRows(
  entries: readonly { key: string | null; value: unknown }[],
  history: MapHistory | undefined,
  filter: string,
  sort: Sort,
): CountRow[] {
  const needle = filter.trim().toLowerCase();
  const rows: CountRow[] = [];
  for (const e of entries) {
    if (!isCount(e.value)) continue;
    if (needle && !(e.key ?? '').toLowerCase().includes(needle)) continue;
    rows.push({ key: e.key, value: e.value, rate: history ? history.rate(e.key) : null });
  }
  const byKey = (a: CountRow, b: CountRow) => (a.key ?? '').localeCompare(b.key ?? '');
  const dir = sort.desc ? -1 : 1;
  const num = (x: number | null) => (x === null ? -Infinity : x);
  rows.sort((a, b) => {
    if (sort.column === 'key') return dir * byKey(a, b);
    const d = sort.column === 'value' ? compareInts(a.value, b.value) : num(a.rate) - num(b.rate);
    return dir * d || byKey(a, b);
  });
  return rows;
}

/** A rate as shown: "—" when unknown (a map printed once), compact otherwise. */
export function formatRate(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '—';
  const a = Math.abs(r);
  if (a === 0) return '0';
  if (a >= 1e6) return `${(r / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(r / 1e3).toFixed(1)}k`;
  if (a >= 100) return formatNumber(Math.round(r)); // a cached Intl format: toLocaleString builds one per call
  if (a >= 1) return r.toFixed(1);
  return r.toFixed(2);
}

/** Which view a map gets: picked by event type and value shape. */
export type MapView = 'hist' | 'stats' | 'count' | 'plain';
export function viewFor(m: { type: 'map' | 'hist' | 'stats'; entries: readonly { value?: unknown }[] }): MapView {
  if (m.type === 'hist') return 'hist';
  if (m.type === 'stats') return 'stats';
  return m.entries.length > 0 && m.entries.every((e) => isCount(e.value)) ? 'count' : 'plain';
}
