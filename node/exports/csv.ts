// CSV of maps and histograms (their last prints): one row per key, or per bucket for
// histograms. RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted with
// doubled quotes (stack keys are multi-line text: they stay exact, quoted). Text from traced
// data that a spreadsheet would run as a formula is neutralized (OWASP; see neutralize).
import type { AggregateEvent } from '../../common/contract/index.js';
import { isExactInt } from '../../common/contract/exact-int.js';
import type { Sink } from './sink.js';

export const CSV_COLUMNS = ['map', 'kind', 'key', 'value', 'bucket_min', 'bucket_max', 'count', 'average', 'total'] as const;

/**
 * OWASP's CSV-injection rule for traced data (a comm, a string key, a printed value is whatever
 * the traced program chose): a text cell starting with =, +, -, @, tab or carriage return is
 * prefixed with ' so a spreadsheet shows it as text instead of evaluating it. A cell that is
 * exactly a number ("-5", a key printed from an int) is a number, not a formula: left as is.
 */
export function neutralize(s: string): string {
  return /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s) ? `'${s}` : s;
}

export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\r\n]/.test(s) || s !== s.trim() ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** Columns whose text comes from traced data (neutralized); `map` and `kind` are kscope's and the script's. */
const TRACED = new Set<string>(['key', 'value', 'count', 'average', 'total']);

const row = (cells: Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null>>): string =>
  CSV_COLUMNS.map((c) => {
    const v = cells[c];
    return csvField(typeof v === 'string' && TRACED.has(c) ? neutralize(v) : v);
  }).join(',') + '\r\n';

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
