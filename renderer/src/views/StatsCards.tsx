// stats() maps as a card per key (count, average, total); avg/min/max maps as a card with
// the single value. Busiest keys first.
import { memo, useMemo } from 'react';
import type { StatsEvent } from '../../../common/contract/index.js';
import { intToNumber } from '../../../common/contract/index.js';
import { formatKey, formatNumber, isStats } from './format.js';
import './views.css';

const MAX_CARDS = 120;

export const StatsCards = memo(function StatsCards({ map }: { map: StatsEvent }) {
  const rows = useMemo(() => {
    const k = (v: StatsEvent['entries'][number]['value']) => intToNumber(isStats(v) ? v.count : v);
    return [...map.entries].sort((a, b) => k(b.value) - k(a.value) || (a.key ?? '').localeCompare(b.key ?? ''));
  }, [map]);
  const shown = rows.slice(0, MAX_CARDS);
  return (
    <>
      <div className="stats-grid">
        {shown.map((r) => (
          <div className="stats-card" key={r.key ?? '(none)'} data-testid="stats-card">
            {r.key !== null ? (
              <div className="stats-key" title={r.key}>
                {formatKey(r.key)}
              </div>
            ) : null}
            {isStats(r.value) ? (
              <div className="stats-fields">
                <span className="stats-field">
                  <span className="stats-label">count</span>
                  <span className="stats-num">{formatNumber(r.value.count)}</span>
                </span>
                <span className="stats-field">
                  <span className="stats-label">avg</span>
                  <span className="stats-num stats-main">{formatNumber(r.value.average)}</span>
                </span>
                <span className="stats-field">
                  <span className="stats-label">total</span>
                  <span className="stats-num">{formatNumber(r.value.total)}</span>
                </span>
              </div>
            ) : (
              <div className="stats-fields">
                <span className="stats-num stats-main stats-single">{formatNumber(r.value)}</span>
              </div>
            )}
          </div>
        ))}
      </div>
      {rows.length > shown.length ? <div className="map-more">… {formatNumber(rows.length - shown.length)} more keys not shown</div> : null}
    </>
  );
});
