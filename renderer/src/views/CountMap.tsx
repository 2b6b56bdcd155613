// Counting maps (count(), sum(), ...): a sortable, filterable, virtualized table with a
// proportional bar and a per-second rate, and a time series of the top keys over the run.
import { toMarkdown, toTsv, type CopyColumn } from './table-copy.js';
import { useUi } from '../state/ui.js';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { MapEvent } from '../../../common/contract/index.js';
import { intToNumber } from '../../../common/contract/index.js';
import { downsample, pointsFor, topKeys, type MapHistory } from '../state/history.js';
import { useSession } from '../state/session.js';
import { useWidth } from './charts.js';
import { useChartPalette } from '../theme/palette.js';
import { useMapUnit } from './map-unit.js';
import { seriesAxisLabel, seriesTick } from './series-axis.js';
import { formatKey, formatNumber } from './format.js';
import { countRows, formatRate, type CountRow, type Sort, type SortColumn } from './map-rows.js';
import './views.css';

const ROW = 21;
const MAX_TABLE_HEIGHT = 12 * ROW;
const SERIES_KEYS = 5;

function SortHeader({ column, sort, onSort, children, className }: { column: SortColumn; sort: Sort; onSort: (c: SortColumn) => void; children: string; className?: string }) {
  const active = sort.column === column;
  return (
    <button className={`ct-h ${className ?? ''}${active ? ' ct-h-active' : ''}`} onClick={() => onSort(column)} data-testid={`sort-${column}`}>
      {children}
      <span className="ct-arrow">{active ? (sort.desc ? '▾' : '▴') : ''}</span>
    </button>
  );
}

const SeriesChart = memo(function SeriesChart({ history, version, filter = '', name }: { history: MapHistory; version: number; filter?: string; name: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const c = useChartPalette();
  const unit = useMapUnit(name);
  const yLabel = seriesAxisLabel(unit);
  const series = useMemo(() => {
    const n = pointsFor(width - 60);
    // The chart follows the table's filter (the same match: raw key, case-insensitive).
    const needle = filter.trim().toLowerCase();
    const keep = needle ? (k: string) => k.toLowerCase().includes(needle) : undefined;
    return topKeys(history, SERIES_KEYS, keep).map((k) => ({ key: k, points: downsample(history.series(k), n) }));
    // `version`: the history is mutated in place; it says when to re-read.
  }, [history, version, width, filter]);
  const enough = series.some((s) => s.points.length > 1);
  return (
    <div className="series" ref={ref} data-testid="map-series">
      {!enough ? (
        <div className="series-empty">the series starts with the second snapshot</div>
      ) : width > 0 ? (
        <LineChart width={width} height={160} margin={{ top: 20, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={c.grid} vertical={false} />
          <XAxis
            type="number"
            dataKey="t"
            domain={['dataMin', 'dataMax']}
            tick={{ fill: c.tick, fontSize: 10 }}
            tickFormatter={(t: number) => `${Math.round(t / 1000)} s`}
            tickLine={false}
            axisLine={{ stroke: c.axis }}
            allowDuplicatedCategory={false}
            height={18}
          />
          <YAxis
            tick={{ fill: c.tick, fontSize: 10 }}
            tickFormatter={(v: number) => seriesTick(v, unit)}
            tickLine={false}
            axisLine={false}
            width={48}
            label={{ value: yLabel, position: 'top', offset: 9, fill: c.tick, fontSize: 10, 'data-testid': 'series-y-unit' } as object}
          />
          <Tooltip
            contentStyle={{ background: c.tooltipBg, border: `1px solid ${c.tooltipBorder}`, borderRadius: 4, fontSize: 11, fontFamily: 'var(--mono)' }}
            labelFormatter={(t) => `${(Number(t) / 1000).toFixed(1)} s`}
            formatter={(v) => `${formatNumber(Number(v))} ${yLabel}`}
            isAnimationActive={false}
          />
          <Legend iconSize={8} wrapperStyle={{ fontSize: 11, fontFamily: 'var(--mono)', color: c.legend }} />
          {series.map((s, i) => (
            <Line
              key={s.key}
              data={s.points}
              dataKey="v"
              name={formatKey(s.key) || '@'}
              stroke={c.series[i % c.series.length]}
              strokeWidth={1.5}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      ) : null}
    </div>
  );
});

export const CountMap = memo(function CountMap({ map }: { map: MapEvent }) {
  const history = useSession((s) => s.history.get(map.name));
  const version = useSession((s) => s.historyVersion);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort>({ column: 'value', desc: true });
  // The script's own prints are per-tick values (often cleared after printing), not a
  // running total: a rate from two of them would be meaningless (it once showed −6/s).
  const scripted = useSession((s) => s.scriptMaps.includes(map.name));
  const rateHistory = map.by === 'script' || scripted ? undefined : history;
  const rows = useMemo(
    () => countRows(map.entries, rateHistory, filter, sort),
    [map, rateHistory, version, filter, sort],
  );
  const max = useMemo(() => rows.reduce((m, r) => Math.max(m, Math.abs(intToNumber(r.value))), 0), [rows]);
  // The value column fits the widest value (int64 limits have 26 characters with separators).
  const valueChars = useMemo(() => rows.reduce((m, r) => Math.max(m, formatNumber(r.value).length), 0), [rows]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  const onSort = (c: SortColumn) => setSort((s) => (s.column === c ? { column: c, desc: !s.desc } : { column: c, desc: c !== 'key' }));

  if (map.entries.length === 1 && map.entries[0].key === null) {
    const v = map.entries[0].value as number;
    return (
      <div className="count-scalar">
        <div className="map-scalar" data-testid="map-row">
          <span className="scalar-rate">
            <span data-testid="rate-cell">{formatRate(rateHistory?.rate(null) ?? null)}</span>/s
          </span>
          <span className="map-scalar-value">{formatNumber(v)}</span>
        </div>
        {history ? <SeriesChart history={history} version={version} name={map.name} /> : null}
      </div>
    );
  }

  return (
    <div className="count-map" style={{ ['--ct-value-w' as string]: `max(96px, ${valueChars + 1}ch)` }}>
      <div className="ct-tools">
        <input
          className="ct-filter"
          placeholder="Filter keys"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="map-filter"
          spellCheck={false}
        />
        <span className="ct-count">
          {filter ? `${formatNumber(rows.length)} of ${formatNumber(map.entries.length)}` : `${formatNumber(rows.length)} keys`}
        </span>
        <CopyButtons rows={rows} name={map.name} />
      </div>
      <div className="ct-head">
        <SortHeader column="key" sort={sort} onSort={onSort} className="ct-key">
          key
        </SortHeader>
        <span className="ct-bar" />
        <SortHeader column="rate" sort={sort} onSort={onSort} className="ct-num">
          rate/s
        </SortHeader>
        <SortHeader column="value" sort={sort} onSort={onSort} className="ct-num">
          value
        </SortHeader>
      </div>
      <div className="ct-body scroll" ref={scroller} style={{ height: Math.min(MAX_TABLE_HEIGHT, Math.max(ROW, rows.length * ROW)) }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((vi) => {
            const r = rows[vi.index];
            return (
              <div key={r.key ?? '(none)'} className="ct-row" data-testid="map-row" style={{ transform: `translateY(${vi.start}px)` }}>
                <span className="ct-key" title={r.key ?? ''}>
                  {formatKey(r.key)}
                </span>
                <span className="ct-bar">
                  <span className="bar-track">
                    <span className="bar-fill bar-blue" style={{ width: `${max > 0 ? (Math.abs(intToNumber(r.value)) / max) * 100 : 0}%` }} />
                  </span>
                </span>
                <span className={`ct-num ct-rate${r.rate === null ? ' ct-dim' : ''}`} data-testid="rate-cell">
                  {formatRate(r.rate)}
                </span>
                <span className="ct-num ct-value">{formatNumber(r.value)}</span>
              </div>
            );
          })}
        </div>
      </div>
      {history ? <SeriesChart history={history} version={version} filter={filter} name={map.name} /> : null}
    </div>
  );
});

const COPY_COLUMNS: CopyColumn<CountRow>[] = [
  { title: 'key', value: (r) => r.key },
  { title: 'rate/s', value: (r) => (r.rate === null ? null : Math.round(r.rate * 100) / 100), numeric: true },
  { title: 'value', value: (r) => r.value, numeric: true },
];

/** Copy the rows as shown (filtered, sorted) as TSV or Markdown. */
function CopyButtons({ rows, name }: { rows: CountRow[]; name: string }) {
  const copy = (as: 'TSV' | 'Markdown') => {
    const text = as === 'TSV' ? toTsv(rows, COPY_COLUMNS) : toMarkdown(rows, COPY_COLUMNS);
    navigator.clipboard
      .writeText(text)
      .then(() => useUi.getState().toast('info', `Copied ${formatNumber(rows.length)} rows of ${name} as ${as}.`))
      .catch((e: Error) => useUi.getState().toast('error', `Could not copy: ${e.message}`));
  };
  return (
    <span className="ct-copy">
      <button className="btn btn-small btn-ghost" data-testid="map-copy-tsv" onClick={() => copy('TSV')} title="Copy the rows shown as tab-separated values (spreadsheets)">
        Copy TSV
      </button>
      <button className="btn btn-small btn-ghost" data-testid="map-copy-md" onClick={() => copy('Markdown')} title="Copy the rows shown as a Markdown table">
        Copy MD
      </button>
    </span>
  );
}
