// Flame graphs of the run's stack maps: one view per FlameSnapshot, with search, zoom,
// reset, icicle toggle, "show all" and a self-time table. d3-flame-graph stays behind
// FlameChart.ts.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlameNode, FlameSnapshot } from '../../../../common/contract/index.js';
import { downloadBlob, fileStem } from '../../library/download.js';
import { useFlames } from '../../state/flame.js';
import { useSession } from '../../state/session.js';
import { useUi } from '../../state/ui.js';
import { MaximizeButton } from '../../layout/MaximizeButton.js';
import { svgToPng } from '../png.js';
import { createFlameChart, type FlameChart } from './FlameChart.js';
import { selfTime } from './top-functions.js';
import { fetchFlame, wireFlames } from './wire.js';

wireFlames();

const pct = (a: number, b: number) => (b > 0 ? (100 * a) / b : 0);
const fmt = (n: number) => n.toLocaleString('en-US');

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [w, setW] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setW(Math.floor(el.clientWidth)));
    ro.observe(el);
    setW(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

function FlameView({ snap }: { snap: FlameSnapshot }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<FlameChart | null>(null);
  const width = useWidth(host);
  const [term, setTerm] = useState('');
  const [match, setMatch] = useState<{ n: number; samples: number; total: number } | null>(null);
  const [inverted, setInverted] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [full, setFull] = useState<{ tree: FlameNode; nodes: number } | null>(null);
  const [zoom, setZoom] = useState<string[]>([]);
  const groupLevels = snap.keyParts.filter((k) => k !== 'kstack' && k !== 'ustack').length;
  // A replay's trees come from the recording at t; the engine's "show all" is for live runs.
  const replaying = useSession((s) => s.replay !== null);
  const tree = showAll && full ? full.tree : snap.tree;

  // "Show all": the unpruned tree from the engine, re-asked when the snapshot changes.
  useEffect(() => {
    if (!showAll) return;
    let live = true;
    void fetchFlame(snap.name, 0).then((r) => live && r && setFull({ tree: r.tree, nodes: r.nodes }));
    return () => {
      live = false;
    };
  }, [showAll, snap]);

  useEffect(() => {
    const el = host.current;
    if (!el || width === 0) return;
    if (!chart.current) {
      chart.current = createFlameChart(el, tree, {
        width,
        inverted,
        onZoom: setZoom,
        onSearch: (n, samples, total) => setMatch({ n, samples, total }),
      });
    } else chart.current.update(tree);
  }, [tree, width === 0]);
  useEffect(() => () => chart.current?.destroy(), []);
  useEffect(() => {
    if (width > 0) chart.current?.setWidth(width);
  }, [width]);
  useEffect(() => chart.current?.setInverted(inverted), [inverted]);
  useEffect(() => {
    chart.current?.search(term);
    if (!term) setMatch(null);
  }, [term]);

  const [topBy, setTopBy] = useState<'self' | 'total'>('self');
  const top = useMemo(() => selfTime(tree, groupLevels, 40, topBy), [tree, groupLevels, topBy]);
  const nodes = showAll && full ? full.nodes : snap.nodes;

  return (
    <section className="flame" data-testid="flame-view" data-map={snap.name}>
      <header className="flame-toolbar">
        <span className="map-name">{snap.name}</span>
        <span className="flame-meta">
          {fmt(snap.total)} samples · {fmt(snap.stacks)} stacks · {fmt(nodes)} frames
          {!showAll && snap.prunedNodes > 0 ? ` · ${fmt(snap.prunedNodes)} narrow frames merged` : ''}
        </span>
        {snap.atKeyLimit ? (
          <span className="flame-warn" title="bpftrace dropped stacks beyond BPFTRACE_MAP_KEYS_MAX">
            key limit reached
          </span>
        ) : null}
        <span className="pane-header-spacer" />
        <input
          className="flame-search"
          data-testid="flame-search"
          placeholder="Search frames"
          value={term}
          onChange={(e) => setTerm(e.target.value)}
        />
        {match && term ? (
          <span className="flame-match" data-testid="flame-match">
            {match.n} match{match.n === 1 ? '' : 'es'} · {pct(match.samples, match.total).toFixed(1)}%
          </span>
        ) : null}
        <button className="btn btn-small btn-ghost" data-testid="flame-reset" disabled={zoom.length === 0} onClick={() => chart.current?.resetZoom()}>
          Reset zoom
        </button>
        <button
          className={`btn btn-small btn-ghost${inverted ? ' on' : ''}`}
          data-testid="flame-invert"
          aria-pressed={inverted}
          onClick={() => setInverted((v) => !v)}
          title="Icicle: roots at the top"
        >
          Icicle
        </button>
        <button
          className="btn btn-small btn-ghost"
          data-testid="flame-png"
          onClick={() => {
            const svg = chart.current?.svg();
            if (!svg) return;
            svgToPng(svg)
              .then((b) => downloadBlob(b, `${fileStem(snap.name.replace(/^@/, '') || 'flame')}-flamegraph.png`))
              .catch((e: Error) => useUi.getState().toast('error', `PNG failed: ${e.message}`));
          }}
          title="Save the chart as shown as a PNG image"
        >
          PNG
        </button>
        {replaying ? null : (
          <button
            className={`btn btn-small btn-ghost${showAll ? ' on' : ''}`}
            data-testid="flame-show-all"
            aria-pressed={showAll}
            onClick={() => setShowAll((v) => !v)}
            title={`Show every frame (now frames under ${(snap.minFraction * 100).toFixed(2)}% of samples are merged)`}
          >
            Show all
          </button>
        )}
      </header>
      {zoom.length > 0 ? (
        <div className="flame-crumbs" data-testid="flame-zoom">
          {zoom.join(' › ')}
        </div>
      ) : null}
      <div className="flame-body">
        <div className="flame-chart" ref={host} data-testid="flame-graph" />
        <div className="flame-top" data-testid="flame-top">
          <table>
            <thead>
              <tr>
                <th>Top functions</th>
                <th title="samples where the function is the leaf (click: sort by it)" aria-sort={topBy === 'self' ? 'descending' : 'none'}>
                  <button className="th-sort" data-testid="flame-top-sort-self" onClick={() => setTopBy('self')}>
                    Self{topBy === 'self' ? ' ▾' : ''}
                  </button>
                </th>
                <th title="samples with the function on the stack (click: sort by it)" aria-sort={topBy === 'total' ? 'descending' : 'none'}>
                  <button className="th-sort" data-testid="flame-top-sort-total" onClick={() => setTopBy('total')}>
                    Total{topBy === 'total' ? ' ▾' : ''}
                  </button>
                </th>
              </tr>
            </thead>
            <tbody>
              {top.map((r) => (
                <tr key={r.name} onClick={() => setTerm(r.name)} title={`${r.name}: click to search`}>
                  <td className="flame-top-name">{r.name}</td>
                  <td>{pct(r.self, tree.v).toFixed(1)}%</td>
                  <td>{pct(r.total, tree.v).toFixed(1)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

/** Every stack map of the run as a flame graph; nothing when the run has none. */
export function FlamePanel() {
  const order = useFlames((s) => s.order);
  const flames = useFlames((s) => s.flames);
  if (order.length === 0) return null;
  return (
    <div className="pane flame-pane" data-testid="flame-pane">
      <div className="pane-header">
        <span className="pane-title">Flame graph</span>
        <span className="count">{order.length}</span>
        <span className="pane-header-spacer" />
        <MaximizeButton pane="flame" label="the flame graph" />
      </div>
      <div className="flame-list">
        {order.map((n) => (
          <FlameView key={n} snap={flames[n]} />
        ))}
      </div>
    </div>
  );
}
