// Aggregation maps as the engine last sent them: counting maps as sorted rows with a
// proportional bar, histograms as bpftrace-style bucket tables, stats as count/avg/total.
import { memo, useMemo } from 'react';
import type { AggregateEvent, HistEvent, MapEvent, StatsEvent } from '../../../electron/api/index.js';
import { useSession } from '../state/session.js';
import {
  bucketLabel,
  compactNumber,
  formatKey,
  formatNumber,
  formatValue,
  isStats,
  sortRows,
  trimBuckets,
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

const HistMap = memo(function HistMap({ map }: { map: HistEvent }) {
  const entries = useMemo(
    () => [...map.entries].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '')).slice(0, 50),
    [map],
  );
  return (
    <>
      {entries.map((e) => {
        const buckets = trimBuckets(e.buckets);
        const max = buckets.reduce((m, b) => Math.max(m, b.count), 0);
        const total = buckets.reduce((s, b) => s + b.count, 0);
        return (
          <div className="hist" key={e.key ?? '(none)'} data-testid="map-row" data-kind="hist">
            {e.key !== null ? (
              <div className="hist-key" title={e.key}>
                {formatKey(e.key)}
                <span className="hist-total">{formatNumber(total)} samples</span>
              </div>
            ) : null}
            {buckets.length === 0 ? (
              <div className="map-empty-note">no samples yet</div>
            ) : (
              <table className="kv hist-table">
                <tbody>
                  {buckets.map((b, i) => (
                    <tr key={i} data-testid="hist-bucket">
                      <td className="hist-label">{bucketLabel(b)}</td>
                      <td className="kv-value hist-count">{formatNumber(b.count)}</td>
                      <td className="kv-bar">
                        <Bar fraction={max > 0 ? b.count / max : 0} tone="green" />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
      <More hidden={map.entries.length - entries.length} />
    </>
  );
});

const StatsMap = memo(function StatsMap({ map }: { map: StatsEvent }) {
  const rows = useMemo(() => {
    const key = (v: StatsEvent['entries'][number]['value']) => (isStats(v) ? v.count : v);
    return [...map.entries].sort((a, b) => key(b.value) - key(a.value));
  }, [map]);
  const full = rows.some((r) => isStats(r.value));
  const shown = rows.slice(0, MAX_ROWS);
  if (!full) {
    const max = rows.reduce((m, r) => Math.max(m, Math.abs(r.value as number)), 0);
    return (
      <table className="kv">
        <thead>
          <tr>
            <th>key</th>
            <th />
            <th className="num">avg</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.key ?? '(none)'} data-testid="map-row">
              <td className="kv-key">{formatKey(r.key)}</td>
              <td className="kv-bar">
                <Bar fraction={max > 0 ? Math.abs(r.value as number) / max : 0} tone="violet" />
              </td>
              <td className="kv-value">{formatNumber(r.value as number)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const maxCount = rows.reduce((m, r) => Math.max(m, isStats(r.value) ? r.value.count : 0), 0);
  return (
    <>
      <table className="kv stats">
        <thead>
          <tr>
            <th>key</th>
            <th />
            <th className="num">count</th>
            <th className="num">avg</th>
            <th className="num">total</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const v = isStats(r.value) ? r.value : { count: 0, average: r.value as number, total: 0 };
            return (
              <tr key={r.key ?? '(none)'} data-testid="map-row">
                <td className="kv-key">{r.key === null ? '—' : formatKey(r.key)}</td>
                <td className="kv-bar">
                  <Bar fraction={maxCount > 0 ? v.count / maxCount : 0} tone="violet" />
                </td>
                <td className="kv-value">{formatNumber(v.count)}</td>
                <td className="kv-value">{formatNumber(v.average)}</td>
                <td className="kv-value">{formatNumber(v.total)}</td>
              </tr>
            );
          })}
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
        <span className="map-time" title="time of this snapshot since the run started">
          {(map.t / 1000).toFixed(1)} s
        </span>
      </header>
      <div className="map-body">
        {map.type === 'hist' ? (
          <HistMap map={map} />
        ) : map.type === 'stats' ? (
          <StatsMap map={map} />
        ) : (
          <PlainMap map={map} />
        )}
      </div>
    </section>
  );
}

export function MapTable() {
  const maps = useSession((s) => s.maps);
  const order = useSession((s) => s.mapOrder);
  const values = useSession((s) => s.values);
  const phase = useSession((s) => s.phase);
  return (
    <div className="map-table scroll" data-testid="map-table">
      {order.length === 0 && values.length === 0 ? (
        <div className="empty">
          {phase === 'idle'
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
