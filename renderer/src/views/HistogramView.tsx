// Histograms (hist/lhist) as bar charts with bpftrace's bucket labels and p50/p90/p99;
// keyed histograms as small multiples, the busiest keys first.
import { memo, useMemo, useState } from 'react';
import { Bar, BarChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { Bucket, HistEvent } from '../../../common/contract/index.js';
import { useWidth } from './charts.js';
import { useChartPalette } from '../theme/palette.js';
import { useMapUnit } from './map-unit.js';
import type { ValueUnit } from '../../../common/bpftrace/map-units.js';
import { compactNumber, formatKey, formatNumber } from './format.js';
import { formatEstimateIn, histAxisLabel, histBars, openPrefix, percentiles, rankKeys, totalCount, type BarDatum } from './hist-stats.js';
import './views.css';

const TOP_KEYS = 12;
/** "show all" draws at most this many charts (the rest: the recording, the exports). */
const ALL_KEYS_CAP = 200;

interface ShapeProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  payload?: BarDatum;
}

/** A bar as a plain <rect> with a test id (e2e counts bars and reads their heights). */
function HistBarShape(p: ShapeProps) {
  const h = Math.max(0, p.height ?? 0);
  const edge = p.payload?.edge;
  return (
    <rect
      data-testid="hist-bar"
      data-count={p.payload?.count ?? 0}
      x={p.x}
      y={p.y}
      width={Math.max(1, p.width ?? 0)}
      height={h}
      rx={1.5}
      className={edge ? 'hist-bar hist-bar-edge' : 'hist-bar'}
    />
  );
}

function HistTooltip({ active, payload }: { active?: boolean; payload?: readonly { payload?: BarDatum }[] }) {
  const d = active ? payload?.[0]?.payload : undefined;
  if (!d) return null;
  return (
    <div className="chart-tip">
      <div className="chart-tip-label">{d.label}</div>
      <div>
        <b>{formatNumber(d.count)}</b> events <span className="chart-tip-dim">({(d.share * 100).toFixed(1)}%)</span>
      </div>
    </div>
  );
}

function Percentiles({ buckets, unit }: { buckets: readonly Bucket[]; unit: ValueUnit | null }) {
  const p = useMemo(() => percentiles(buckets), [buckets]);
  const n = totalCount(buckets);
  return (
    <div className="hist-stats" data-testid="hist-stats">
      <span title="samples (events) in the histogram">
        n <b>{formatNumber(n)}</b>
      </span>
      <span title="estimated: linear within the bucket">
        p50 <b data-testid="hist-p50">{openPrefix(p.open.p50)}{formatEstimateIn(p.p50, unit)}</b>
      </span>
      <span title="estimated: linear within the bucket">
        p90 <b data-testid="hist-p90">{openPrefix(p.open.p90)}{formatEstimateIn(p.p90, unit)}</b>
      </span>
      <span title="estimated: linear within the bucket">
        p99 <b data-testid="hist-p99">{openPrefix(p.open.p99)}{formatEstimateIn(p.p99, unit)}</b>
      </span>
    </div>
  );
}

const HistChart = memo(function HistChart({ buckets, height, small, unit }: { buckets: readonly Bucket[]; height: number; small?: boolean; unit: ValueUnit | null }) {
  const data = useMemo(() => histBars(buckets, unit), [buckets, unit]);
  const [ref, width] = useWidth<HTMLDivElement>();
  const c = useChartPalette();
  const fs = small ? 9 : 10;
  return (
    <div className="hist-chart" data-testid="hist-chart" ref={ref} style={{ height }}>
      {data.length === 0 ? (
        <div className="hist-empty" data-testid="hist-empty">
          no samples yet
        </div>
      ) : width > 0 ? (
        <BarChart width={width} height={height} data={data} margin={{ top: small ? 16 : 20, right: 8, bottom: 2, left: 0 }} barCategoryGap={small ? 1 : 2}>
          <XAxis
            dataKey="label"
            tick={{ fill: c.tick, fontSize: fs, fontFamily: 'var(--mono)' }}
            tickLine={false}
            axisLine={{ stroke: c.axis }}
            interval="preserveStartEnd"
            minTickGap={small ? 8 : 14}
            height={small ? 30 : 34}
            label={{ value: histAxisLabel(unit), position: 'insideBottom', offset: 0, fill: c.tick, fontSize: fs, 'data-testid': 'hist-x-unit' } as object}
          />
          <YAxis
            tick={{ fill: c.tick, fontSize: fs }}
            tickLine={false}
            axisLine={false}
            width={small ? 30 : 40}
            tickFormatter={(v: number) => compactNumber(v)}
            allowDecimals={false}
            label={{ value: 'events', position: 'top', offset: small ? 6 : 9, fill: c.tick, fontSize: fs, 'data-testid': 'hist-y-unit' } as object}
          />
          <Tooltip content={<HistTooltip />} cursor={{ fill: c.cursor }} isAnimationActive={false} />
          <Bar dataKey="count" shape={<HistBarShape />} isAnimationActive={false} />
        </BarChart>
      ) : null}
    </div>
  );
});

export const HistogramView = memo(function HistogramView({ map }: { map: HistEvent }) {
  const [all, setAll] = useState(false);
  const unit = useMapUnit(map.name);
  const ranked = useMemo(() => rankKeys(map.entries), [map]);
  if (ranked.length === 0) return <div className="map-empty-note">no samples yet</div>;
  if (ranked.length === 1 && ranked[0].key === null) {
    return (
      <div className="hist-single" data-testid="map-row" data-kind="hist">
        <Percentiles buckets={ranked[0].buckets} unit={unit} />
        <HistChart buckets={ranked[0].buckets} height={190} unit={unit} />
      </div>
    );
  }
  const shown = ranked.slice(0, all ? ALL_KEYS_CAP : TOP_KEYS);
  return (
    <>
      <div className="hist-grid">
        {shown.map((e) => (
          <div className="hist-cell" key={e.key ?? '(none)'} data-testid="map-row" data-kind="hist">
            <div className="hist-cell-head">
              <span className="hist-cell-key" title={e.key ?? ''}>
                {formatKey(e.key)}
              </span>
              <Percentiles buckets={e.buckets} unit={unit} />
            </div>
            <HistChart buckets={e.buckets} height={116} small unit={unit} />
          </div>
        ))}
      </div>
      {ranked.length > TOP_KEYS ? (
        <button className="link-button" data-testid="hist-show-all" onClick={() => setAll(!all)}>
          {all ? `show top ${TOP_KEYS}` : `show all ${formatNumber(ranked.length)} keys`}
        </button>
      ) : null}
    </>
  );
});
