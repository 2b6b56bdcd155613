// A's and B's maps overlaid: histograms as two series of bars on one bucket axis (shares
// by default, so runs of different length compare), tables with A, B and the change.
import { memo, useMemo, useState } from 'react';
import { Bar, BarChart, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { HistEvent, MapEvent, StatsEvent } from '../../../common/contract/index.js';
import { useWidth } from '../views/charts.js';
import { useChartPalette } from '../theme/palette.js';
import { useTheme } from '../theme/store.js';
import { histAxisLabel } from '../views/hist-stats.js';
import { mapUnitsOf } from '../views/map-unit.js';
import type { ValueUnit } from '../../../common/bpftrace/map-units.js';
import { compactNumber, formatKey, formatNumber } from '../views/format.js';
import { overlayHist, overlayRows, type OverlayBar, type OverlayPair } from './overlay.js';

export const COLOR_A = '#8b95a7';
export const COLOR_B = '#4f95ff';
/** On white: A's grey and B's blue, darker so thin bars stay visible. */
const LIGHT_A = '#8c959f';
const LIGHT_B = '#0969da';

function OverlayTip({ active, payload }: { active?: boolean; payload?: readonly { payload?: OverlayBar }[] }) {
  const d = active ? payload?.[0]?.payload : undefined;
  if (!d) return null;
  return (
    <div className="chart-tip">
      <div className="chart-tip-label">{d.label}</div>
      <div>
        A <b>{formatNumber(d.a)}</b> <span className="chart-tip-dim">({(d.shareA * 100).toFixed(1)}%)</span>
      </div>
      <div>
        B <b>{formatNumber(d.b)}</b> <span className="chart-tip-dim">({(d.shareB * 100).toFixed(1)}%)</span>
      </div>
    </div>
  );
}

const OverlayChart = memo(function OverlayChart({ bars, mode, height, unit }: { bars: OverlayBar[]; mode: 'share' | 'count'; height: number; unit: ValueUnit | null }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const c = useChartPalette();
  const light = useTheme((s) => s.resolved) === 'light';
  const data = useMemo(() => bars.map((b) => ({ ...b, A: mode === 'share' ? b.shareA * 100 : b.a, B: mode === 'share' ? b.shareB * 100 : b.b })), [bars, mode]);
  return (
    <div className="hist-chart" ref={ref} style={{ height }} data-testid="overlay-chart">
      {bars.length === 0 ? (
        <div className="hist-empty">no samples on either side</div>
      ) : width > 0 ? (
        <BarChart width={width} height={height} data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} barCategoryGap={2} barGap={0}>
          <XAxis
            dataKey="label"
            tick={{ fill: c.tick, fontSize: 10, fontFamily: 'var(--mono)' }}
            tickLine={false}
            axisLine={{ stroke: c.axis }}
            interval="preserveStartEnd"
            minTickGap={10}
            height={32}
            label={{ value: histAxisLabel(unit), position: 'insideBottom', offset: 0, fill: c.tick, fontSize: 10 }}
          />
          <YAxis
            tick={{ fill: c.tick, fontSize: 10 }}
            tickLine={false}
            axisLine={false}
            width={40}
            tickFormatter={(v: number) => (mode === 'share' ? `${Math.round(v)}%` : compactNumber(v))}
            label={{ value: mode === 'share' ? '% of events' : 'events', angle: -90, position: 'insideLeft', offset: 10, fill: c.tick, fontSize: 10, dy: 30 }}
          />
          <Tooltip content={<OverlayTip />} cursor={{ fill: c.cursor }} isAnimationActive={false} />
          <Legend verticalAlign="top" height={18} iconSize={9} wrapperStyle={{ fontSize: 11, color: c.legend }} formatter={(v: string) => (v === 'A' ? 'A (before)' : 'B (after)')} />
          <Bar dataKey="A" fill={light ? LIGHT_A : COLOR_A} isAnimationActive={false} />
          <Bar dataKey="B" fill={light ? LIGHT_B : COLOR_B} isAnimationActive={false} />
        </BarChart>
      ) : null}
    </div>
  );
});

function HistOverlay({ a, b, unit }: { a: HistEvent; b: HistEvent; unit: ValueUnit | null }) {
  const [mode, setMode] = useState<'share' | 'count'>('share');
  const keyed = useMemo(() => overlayHist(a, b), [a, b]);
  const single = keyed.length === 1 && keyed[0].key === null;
  return (
    <>
      <div className="overlay-tools">
        <span className="seg" role="group" aria-label="Bar heights">
          <button className={`btn btn-small btn-ghost${mode === 'share' ? ' on' : ''}`} aria-pressed={mode === 'share'} onClick={() => setMode('share')} title="Each side as a share of its own total (runs of different length compare)">
            share
          </button>
          <button className={`btn btn-small btn-ghost${mode === 'count' ? ' on' : ''}`} aria-pressed={mode === 'count'} onClick={() => setMode('count')} title="Raw counts">
            count
          </button>
        </span>
      </div>
      {single ? (
        <OverlayChart bars={keyed[0].bars} mode={mode} height={180} unit={unit} />
      ) : (
        <div className="hist-grid overlay-grid">
          {keyed.map((k) => (
            <div className="hist-cell" key={k.key ?? '(none)'}>
              <div className="hist-cell-head">
                <span className="hist-cell-key">{formatKey(k.key)}</span>
                <span className="hist-stats">
                  A <b>{formatNumber(k.countA)}</b> B <b>{formatNumber(k.countB)}</b>
                </span>
              </div>
              <OverlayChart bars={k.bars} mode={mode} height={120} unit={unit} />
            </div>
          ))}
        </div>
      )}
    </>
  );
}

function TableOverlay({ a, b }: { a: MapEvent | StatsEvent; b: MapEvent | StatsEvent }) {
  const rows = useMemo(() => overlayRows(a, b), [a, b]);
  const shown = rows.slice(0, 100);
  const cell = (v: number | null) => (v === null ? <span className="overlay-missing">—</span> : formatNumber(v));
  return (
    <>
      <table className="kv overlay-table" data-testid="overlay-table">
        <thead>
          <tr>
            <th>Key</th>
            <th className="kv-value">A (before)</th>
            <th className="kv-value">B (after)</th>
            <th className="kv-value">Δ</th>
            <th className="kv-value">Δ %</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.key ?? '(none)'} data-testid="overlay-row">
              <td className="kv-key" title={r.key ?? ''}>
                {formatKey(r.key)}
              </td>
              <td className="kv-value">{cell(r.a)}</td>
              <td className="kv-value">{cell(r.b)}</td>
              <td className={`kv-value ${r.delta && r.delta > 0 ? 'diff-up' : r.delta && r.delta < 0 ? 'diff-down' : ''}`}>
                {r.delta === null ? '' : `${r.delta > 0 ? '+' : ''}${formatNumber(r.delta)}`}
              </td>
              <td className="kv-value">{r.ratio === null ? (r.a === null ? 'new' : '') : `${r.ratio > 0 ? '+' : ''}${(r.ratio * 100).toFixed(1)}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length ? <div className="map-more">… {formatNumber(rows.length - shown.length)} more keys (export CSV for all)</div> : null}
    </>
  );
}

/** A map's unit when both recordings' scripts say the same (else null: the axis says "value"). */
function pairUnit(name: string, scriptA: string, scriptB: string): ValueUnit | null {
  const ua = mapUnitsOf(scriptA).get(name) ?? null;
  return ua !== null && ua === (mapUnitsOf(scriptB).get(name) ?? null) ? ua : null;
}

export function Overlays({ pairs, scriptA = '', scriptB = '' }: { pairs: OverlayPair[]; scriptA?: string; scriptB?: string }) {
  return (
    <>
      {pairs.map((p) => (
        <section className="map overlay" key={p.name} data-testid="overlay" data-map={p.name}>
          <header className="map-header">
            <span className="map-name">{p.name.startsWith('@') ? p.name : `@${p.name}`}</span>
            <span className={`badge badge-${p.a.type}`}>{p.kind === 'hist' ? 'histogram' : p.a.type === 'stats' ? 'stats (counts)' : 'map'}</span>
            <span className="map-meta">A vs B</span>
          </header>
          <div className="map-body">
            {p.kind === 'hist' ? <HistOverlay a={p.a as HistEvent} b={p.b as HistEvent} unit={pairUnit(p.name, scriptA, scriptB)} /> : <TableOverlay a={p.a as MapEvent | StatsEvent} b={p.b as MapEvent | StatsEvent} />}
          </div>
        </section>
      ))}
    </>
  );
}
