// The differential flame graph: B's (or A's) stacks drawn by FlameChart, each frame
// coloured by how its share of samples changed from A to B; a table of the functions that
// changed most beside it. Search, zoom, width-by toggle and a PNG of the chart.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DiffNode } from '../../../common/contract/index.js';
import { downloadBlob, fileStem } from '../library/download.js';
import { createFlameChart, type FlameChart } from '../views/flame/FlameChart.js';
import { svgToPng } from '../views/png.js';
import { useUi } from '../state/ui.js';
import { diffColor, diffLabel, formatChange, maxAbsChange, toFlame, topChanges, type DiffFlameNode, type Totals, type WidthBy } from './diff.js';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (f: number) => `${(f * 100).toFixed(1)}%`;

export function DiffFlame({ tree, totals, title }: { tree: DiffNode; totals: Totals; title: string }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<FlameChart<DiffFlameNode> | null>(null);
  const [width, setWidth] = useState(0);
  const [widthBy, setWidthBy] = useState<WidthBy>('b');
  const [term, setTerm] = useState('');
  const [match, setMatch] = useState<{ n: number; samples: number; total: number } | null>(null);
  const [zoom, setZoom] = useState<string[]>([]);
  const drawn = useMemo(() => toFlame(tree, widthBy), [tree, widthBy]);
  const scale = useMemo(() => maxAbsChange(tree, totals), [tree, totals]);
  const changes = useMemo(() => topChanges(tree, totals, 40), [tree, totals]);
  // The chart's callbacks read the latest scale and totals.
  const live = useRef({ scale, totals });
  live.current = { scale, totals };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = host.current;
    if (!el || width === 0) return;
    if (!chart.current) {
      chart.current = createFlameChart<DiffFlameNode>(el, drawn, {
        width,
        minFrameSize: 0.5,
        onZoom: setZoom,
        onSearch: (n, samples, total) => setMatch({ n, samples, total }),
        color: (d) => {
          const t = live.current.totals;
          const a = t.totalA > 0 ? d.a / t.totalA : 0;
          const b = t.totalB > 0 ? d.b / t.totalB : 0;
          return diffColor(b - a, live.current.scale);
        },
        describe: (d) => diffLabel(d, live.current.totals),
      });
    } else chart.current.update(drawn);
  }, [drawn, width === 0]);
  useEffect(() => () => chart.current?.destroy(), []);
  useEffect(() => {
    if (width > 0) chart.current?.setWidth(width);
  }, [width]);
  useEffect(() => {
    chart.current?.search(term);
    if (!term) setMatch(null);
  }, [term]);

  const png = async () => {
    const svg = chart.current?.svg();
    if (!svg) return;
    try {
      downloadBlob(await svgToPng(svg), `${fileStem(title)}-diff.png`);
    } catch (e) {
      useUi.getState().toast('error', `PNG failed: ${(e as Error).message}`);
    }
  };

  return (
    <section className="flame diff-flame" data-testid="diff-flame">
      <header className="flame-toolbar">
        <span className="diff-legend" aria-label="Legend">
          <span className="diff-swatch" style={{ background: diffColor(-1, 1) }} /> shrank in B
          <span className="diff-swatch" style={{ background: diffColor(0, 1) }} /> same share
          <span className="diff-swatch" style={{ background: diffColor(1, 1) }} /> grew in B
        </span>
        <span className="flame-meta" data-testid="diff-totals">
          A: {fmt(totals.totalA)} samples · B: {fmt(totals.totalB)} samples · largest change {formatChange(scale)}
        </span>
        <span className="pane-header-spacer" />
        <input className="flame-search" data-testid="diff-search" placeholder="Search frames" value={term} onChange={(e) => setTerm(e.target.value)} />
        {match && term ? (
          <span className="flame-match">
            {match.n} match{match.n === 1 ? '' : 'es'} · {match.total > 0 ? ((100 * match.samples) / match.total).toFixed(1) : '0'}%
          </span>
        ) : null}
        <span className="seg" role="group" aria-label="Frame widths from">
          <button className={`btn btn-small btn-ghost${widthBy === 'b' ? ' on' : ''}`} aria-pressed={widthBy === 'b'} data-testid="diff-width-b" onClick={() => setWidthBy('b')} title="Widths from B (after): what the program does now">
            widths: B
          </button>
          <button className={`btn btn-small btn-ghost${widthBy === 'a' ? ' on' : ''}`} aria-pressed={widthBy === 'a'} data-testid="diff-width-a" onClick={() => setWidthBy('a')} title="Widths from A (before): shows what went away">
            A
          </button>
        </span>
        <button className="btn btn-small btn-ghost" disabled={zoom.length === 0} onClick={() => chart.current?.resetZoom()}>
          Reset zoom
        </button>
        <button className="btn btn-small btn-ghost" data-testid="diff-png" onClick={() => void png()} title="Save the chart as a PNG image">
          PNG
        </button>
      </header>
      {zoom.length > 0 ? <div className="flame-crumbs">{zoom.join(' › ')}</div> : null}
      <div className="flame-body">
        <div className="flame-chart" ref={host} data-testid="diff-graph" />
        <div className="flame-top diff-top" data-testid="diff-top">
          <table>
            <thead>
              <tr>
                <th>Biggest changes</th>
                <th title="share of samples with the function on the stack, in A">A</th>
                <th title="the same in B">B</th>
                <th title="B − A, in percentage points">Δ pts</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((r) => (
                <tr key={r.name} onClick={() => setTerm(r.name)} title={`${r.name}: click to search`}>
                  <td className="flame-top-name">{r.name}</td>
                  <td>{pct(r.totalA)}</td>
                  <td>{pct(r.totalB)}</td>
                  <td className={r.change > 0 ? 'diff-up' : 'diff-down'}>{formatChange(r.change).replace(' pts', '')}</td>
                </tr>
              ))}
              {changes.length === 0 ? (
                <tr>
                  <td colSpan={4} className="diff-none">
                    No function&apos;s share changed.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
