// Aggregation maps as the engine last sent them, each in the view its shape calls for:
// histograms as charts, counting maps as a table with rates and a time series, stats as
// cards, anything else (strings, tuples) as a plain table. Stack maps go to the flame graph.
import { memo, useMemo } from 'react';
import type { AggregateEvent, MapEvent } from '../../../common/contract/index.js';
import { useSession } from '../state/session.js';
import { CountMap } from './CountMap.js';
import { HistogramView } from './HistogramView.js';
import { viewFor } from './map-rows.js';
import { StatsCards } from './StatsCards.js';
import {
  compactNumber,
  formatKey,
  formatNumber,
  formatValue,
  sortRows,
} from './format.js';

/** Rows drawn per map; the rest is summarised (the recording has everything). */
const MAX_ROWS = 500;

function mapTitle(name: string): string {
  return name.startsWith('@') ? name : `@${name}`;
}

function Bar({ fraction, tone = 'blue' }: { fraction: number; tone?: 'blue' | 'green' | 'violet' }) {
  const pct = Math.max(0, Math.min(1, fraction)) * 100;
  return (
    <div className="bar-track">
      <div className={`bar-fill bar-${tone}`} style={{ width: `${pct}%` }} />
    </div>
  );
}

function More({ hidden }: { hidden: number }) {
  if (hidden <= 0) return null;
  return <div className="map-more">… {formatNumber(hidden)} more keys not shown</div>;
}

const PlainMap = memo(function PlainMap({ map }: { map: MapEvent }) {
  const rows = useMemo(() => sortRows(map.entries), [map]);
  if (rows.length === 1 && rows[0].key === null) {
    return (
      <div className="map-scalar" data-testid="map-row">
        <span className="map-scalar-value">{formatValue(rows[0].value)}</span>
      </div>
    );
  }
  const max = rows.reduce((m, r) => (typeof r.value === 'number' ? Math.max(m, Math.abs(r.value)) : m), 0);
  const shown = rows.slice(0, MAX_ROWS);
  return (
    <>
      <table className="kv">
        <tbody>
          {shown.map((r) => (
            <tr key={r.key ?? '(none)'} data-testid="map-row">
              <td className="kv-key" title={r.key ?? ''}>
                {formatKey(r.key)}
              </td>
              <td className="kv-bar">
                {typeof r.value === 'number' && max > 0 ? <Bar fraction={Math.abs(r.value) / max} /> : null}
              </td>
              <td className="kv-value">{formatValue(r.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <More hidden={rows.length - shown.length} />
    </>
  );
});

function kindLabel(m: AggregateEvent): string {
  if (m.type === 'hist') return 'histogram';
  if (m.type === 'stats') return 'stats';
  return 'map';
}

function MapSection({ map }: { map: AggregateEvent }) {
  const keys = map.entries.length;
  return (
    <section className="map" data-map={map.name}>
      <header className="map-header">
        <span className="map-name">{mapTitle(map.name)}</span>
        <span className={`badge badge-${map.type}`}>{kindLabel(map)}</span>
        <span className="map-meta">
          {keys === 1 && map.entries[0].key === null ? '' : `${compactNumber(keys)} ${keys === 1 ? 'key' : 'keys'}`}
        </span>
        {map.by === 'script' ? (
          <span className="badge badge-script" data-testid="printed-by-script" title="The script's own print() at this tick, exactly as bpftrace printed it (kscope adds no snapshot of this map)">
            printed by the script
          </span>
        ) : null}
        <span className="map-time" title="time of this snapshot since the run started">
          {(map.t / 1000).toFixed(1)} s
        </span>
      </header>
      <div className="map-body">
        {map.type === 'hist' ? (
          <HistogramView map={map} />
        ) : map.type === 'stats' ? (
          <StatsCards map={map} />
        ) : viewFor(map) === 'count' ? (
          <CountMap map={map} />
        ) : (
          <PlainMap map={map} />
        )}
      </div>
    </section>
  );
}

export function MapTable() {
  const maps = useSession((s) => s.maps);
  const allOrder = useSession((s) => s.mapOrder);
  const values = useSession((s) => s.values);
  const phase = useSession((s) => s.phase);
  const flameNames = useSession((s) => s.flameNames);
  const replaying = useSession((s) => s.replay !== null);
  // Stack maps folded into flame graphs are shown there, not as tables.
  const order = allOrder.filter((n) => !flameNames.includes(n));
  return (
    <div className="map-table scroll" data-testid="map-table">
      {order.length === 0 && values.length === 0 ? (
        <div className="empty">
          {replaying
            ? flameNames.length > 0
              ? 'No other maps: its stack maps are in the flame graph.'
              : 'No maps printed by this time in the recording.'
            : phase === 'idle'
            ? 'Maps appear here while a script runs (e.g. @[comm] = count()).'
            : phase === 'exited'
              ? 'This run produced no maps.'
              : 'No maps yet.'}
        </div>
      ) : null}
      {order.map((name) => (
        <MapSection key={name} map={maps[name]} />
      ))}
      {values.length > 0 ? (
        <section className="map">
          <header className="map-header">
            <span className="map-name">print()</span>
            <span className="badge">values</span>
            <span className="map-meta">{values.length}</span>
          </header>
          <div className="map-body">
            <table className="kv">
              <tbody>
                {values.slice(-20).map((v, i) => (
                  <tr key={i}>
                    <td className="kv-key">{(v.t / 1000).toFixed(3)} s</td>
                    <td className="kv-value kv-left">{formatValue(v.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
