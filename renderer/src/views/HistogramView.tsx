// Histograms (hist/lhist) as bar charts with bpftrace's bucket labels and p50/p90/p99;
// keyed histograms as small multiples, the busiest keys first.
import { memo, useMemo, useState } from 'react';
import { Bar, BarChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { Bucket, HistEvent } from '../../../common/contract/index.js';
import { useWidth } from './charts.js';
import { compactNumber, formatKey, formatNumber } from './format.js';
import { formatEstimate, histBars, openPrefix, percentiles, rankKeys, totalCount, type BarDatum } from './hist-stats.js';
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
        <b>{formatNumber(d.count)}</b> <span className="chart-tip-dim">({(d.share * 100).toFixed(1)}%)</span>
      </div>
    </div>
  );
}

function Percentiles({ buckets }: { buckets: readonly Bucket[] }) {
  const p = useMemo(() => percentiles(buckets), [buckets]);
  const n = totalCount(buckets);
  return (
    <div className="hist-stats" data-testid="hist-stats">
      <span>
        n <b>{formatNumber(n)}</b>
      </span>
      <span title="estimated: linear within the bucket">
        p50 <b data-testid="hist-p50">{openPrefix(p.open.p50)}{formatEstimate(p.p50)}</b>
      </span>
      <span title="estimated: linear within the bucket">
        p90 <b data-testid="hist-p90">{openPrefix(p.open.p90)}{formatEstimate(p.p90)}</b>
      </span>
      <span title="estimated: linear within the bucket">
        p99 <b data-testid="hist-p99">{openPrefix(p.open.p99)}{formatEstimate(p.p99)}</b>
      </span>
    </div>
  );
}

const HistChart = memo(function HistChart({ buckets, height, small }: { buckets: readonly Bucket[]; height: number; small?: boolean }) {
  const data = useMemo(() => histBars(buckets), [buckets]);
  const [ref, width] = useWidth<HTMLDivElement>();
  return (
    <div className="hist-chart" data-testid="hist-chart" ref={ref} style={{ height }}>
      {data.length === 0 ? (
        <div className="hist-empty" data-testid="hist-empty">
          no samples yet
        </div>
      ) : width > 0 ? (
        <BarChart width={width} height={height} data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} barCategoryGap={small ? 1 : 2}>
          <XAxis
            dataKey="label"
            tick={{ fill: '#7d8594', fontSize: small ? 9 : 10, fontFamily: 'var(--mono)' }}
            tickLine={false}
            axisLine={{ stroke: '#2a2f39' }}
            interval="preserveStartEnd"
            minTickGap={small ? 6 : 10}
            height={small ? 16 : 20}
          />
          <YAxis
            tick={{ fill: '#7d8594', fontSize: small ? 9 : 10 }}
            tickLine={false}
            axisLine={false}
            width={small ? 30 : 40}
            tickFormatter={(v: number) => compactNumber(v)}
            allowDecimals={false}
          />
          <Tooltip content={<HistTooltip />} cursor={{ fill: '#ffffff0a' }} isAnimationActive={false} />
          <Bar dataKey="count" shape={<HistBarShape />} isAnimationActive={false} />
        </BarChart>
      ) : null}
    </div>
  );
});

export const HistogramView = memo(function HistogramView({ map }: { map: HistEvent }) {
  const [all, setAll] = useState(false);
  const ranked = useMemo(() => rankKeys(map.entries), [map]);
  if (ranked.length === 0) return <div className="map-empty-note">no samples yet</div>;
  if (ranked.length === 1 && ranked[0].key === null) {
    return (
      <div className="hist-single" data-testid="map-row" data-kind="hist">
        <Percentiles buckets={ranked[0].buckets} />
        <HistChart buckets={ranked[0].buckets} height={170} />
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
              <Percentiles buckets={e.buckets} />
            </div>
            <HistChart buckets={e.buckets} height={96} small />
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
