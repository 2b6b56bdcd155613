// CSV of maps and histograms (their last prints): one row per key, or per bucket for
// histograms. RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted with
// doubled quotes (stack keys are multi-line text: they stay exact, quoted).
import type { AggregateEvent } from '../api/index.js';
import { isExactInt } from '../api/exact-int.js';
import type { Sink } from './sink.js';

export const CSV_COLUMNS = ['map', 'kind', 'key', 'value', 'bucket_min', 'bucket_max', 'count', 'average', 'total'] as const;

export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\r\n]/.test(s) || s !== s.trim() ? '"' + s.replace(/"/g, '""') + '"' : s;
}

const row = (cells: Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null>>): string =>
  CSV_COLUMNS.map((c) => csvField(cells[c])).join(',') + '\r\n';

const cell = (v: unknown): string | number | null =>
  typeof v === 'number' || typeof v === 'string' ? v : v === null || v === undefined ? null : JSON.stringify(v);

export async function writeCsv(maps: readonly AggregateEvent[], sink: Sink): Promise<void> {
  sink.push(CSV_COLUMNS.join(',') + '\r\n');
  for (const m of maps) {
    if (m.type === 'hist') {
      for (const e of m.entries) {
        for (const b of e.buckets) sink.push(row({ map: m.name, kind: 'hist', key: e.key, bucket_min: b.min ?? null, bucket_max: b.max ?? null, count: b.count }));
        await sink.maybeFlush();
      }
    } else if (m.type === 'stats') {
      for (const e of m.entries) {
        const v = e.value as unknown;
        // avg() maps carry one integer (decimal text beyond 2^53, written as is: exact).
        if (typeof v === 'number' || isExactInt(v)) sink.push(row({ map: m.name, kind: 'avg', key: e.key, value: v, average: v }));
        else {
          const s = (v ?? {}) as { count?: unknown; average?: unknown; total?: unknown };
          sink.push(row({ map: m.name, kind: 'stats', key: e.key, count: cell(s.count), average: cell(s.average), total: cell(s.total) }));
        }
        await sink.maybeFlush();
      }
    } else {
      for (const e of m.entries) {
        sink.push(row({ map: m.name, kind: 'map', key: e.key, value: cell(e.value) }));
        await sink.maybeFlush();
      }
    }
  }
  await sink.flush();
}
