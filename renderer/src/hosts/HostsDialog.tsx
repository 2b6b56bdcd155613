// Hosts: pick machines (from ~/.ssh/config, or added here), run the editor's script on all
// of them over ssh, and watch each one side by side or merged (maps keyed by host, flame
// graphs rooted at the host). Ctrl+Shift+H opens and closes it; Esc closes it.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FlameNode, HistEvent, HostRunView } from '../../../common/contract/index.js';
import { createFlameChart, type FlameChart } from '../views/flame/FlameChart.js';
import { formatNumber } from '../views/format.js';
import { mergeFlames, mergedKey, mergeMaps, overlayHists, stackMapNames, type MergedRow } from './merge.js';
import { addHost, closeHosts, openHosts, runOnHosts, stopHostRun, toggleHost, useHosts } from './store.js';
import './hosts.css';

export function HostsButton() {
  const open = useHosts((s) => s.open);
  return (
    <button className="btn btn-ghost" data-testid="hosts-button" aria-expanded={open} onClick={() => (open ? closeHosts() : void openHosts())} title="Run the script on other hosts over ssh (Ctrl+Shift+H)">
      Hosts
    </button>
  );
}

const STATE_LABEL: Record<HostRunView['state'], string> = { connecting: 'connecting', running: 'running', stopping: 'stopping', done: 'done', failed: 'failed', cut: 'link lost' };

function Rows({ rows, limit = 12, showHost }: { rows: MergedRow[]; limit?: number; showHost: boolean }) {
  const max = rows.reduce((m, r) => Math.max(m, Math.abs(r.value)), 0) || 1;
  return (
    <table className="hosts-rows">
      <tbody>
        {rows.slice(0, limit).map((r, i) => (
          <tr key={i} data-testid="host-map-row">
            <td className="hosts-key" title={showHost ? mergedKey(r) : (r.key ?? '')}>
              {showHost ? <span className="hosts-keyhost">{r.host}</span> : null}
              {r.key ?? (showHost ? '' : '(value)')}
            </td>
            <td className="hosts-val">
              <span className="hosts-bar" style={{ width: `${(Math.abs(r.value) / max) * 100}%` }} />
              <span className="hosts-num">{r.text ?? formatNumber(r.value)}</span>
            </td>
          </tr>
        ))}
        {rows.length > limit ? (
          <tr>
            <td colSpan={2} className="hosts-more">
              … {rows.length - limit} more (all in the recordings)
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

function Hist({ map }: { map: HistEvent }) {
  const buckets = map.entries[0]?.buckets ?? [];
  const max = buckets.reduce((m, b) => Math.max(m, b.count), 0) || 1;
  return (
    <div className="hosts-hist">
      {buckets.map((b, i) => (
        <div key={i} className="hosts-hrow">
          <span className="hosts-hlabel">{b.min === undefined ? `< ${b.max}` : b.max === undefined ? `≥ ${b.min}` : `${b.min}–${b.max}`}</span>
          <span className="hosts-hbar" style={{ width: `${(b.count / max) * 100}%` }} />
          <span className="hosts-num">{formatNumber(b.count)}</span>
        </div>
      ))}
    </div>
  );
}

const SERIES_COLORS = ['#4f95ff', '#f0883e', '#3fb950', '#d2a8ff', '#ff7b72', '#e3b341', '#79c0ff', '#a5d6ff'];

/** Every host's histogram on the same buckets, one colored bar per host in each bucket. */
function OverlaidHist({ hists }: { hists: { host: string; map: HistEvent }[] }) {
  const o = useMemo(() => overlayHists(hists), [hists]);
  const max = o.rows.reduce((m, r) => Math.max(m, ...r.counts), 0) || 1;
  return (
    <div className="hosts-overlay" data-testid="hosts-overlaid-hist">
      <div className="hosts-legend">
        {o.series.map((s, i) => (
          <span key={s}>
            <span className="hosts-swatch" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} />
            {s}
          </span>
        ))}
      </div>
      {o.rows.map((r) => (
        <div key={r.label} className="hosts-orow">
          <span className="hosts-hlabel">{r.label}</span>
          <span className="hosts-obars">
            {r.counts.map((c, i) => (
              <span key={i} className="hosts-obar" title={`${o.series[i]}: ${formatNumber(c)}`} style={{ width: `${(c / max) * 100}%`, background: SERIES_COLORS[i % SERIES_COLORS.length] }} />
            ))}
          </span>
          <span className="hosts-num">{r.counts.map((c) => formatNumber(c)).join(' / ')}</span>
        </div>
      ))}
    </div>
  );
}

function HostCard({ h }: { h: HostRunView }) {
  const maps = useMemo(() => mergeMaps([h]), [h]);
  return (
    <section className={`hosts-card hosts-state-${h.state}`} data-testid="host-card" data-host={h.target} data-state={h.state}>
      <header>
        <span className="hosts-target">{h.target}</span>
        <span className={`hosts-badge hosts-badge-${h.state}`} data-testid="host-state">
          {STATE_LABEL[h.state]}
        </span>
      </header>
      <div className="hosts-facts">
        kernel {h.kernelRelease ?? '?'} · bpftrace {h.bpftraceVersion ?? '?'} · {formatNumber(h.events)} events · {formatNumber(h.printfTotal)} lines
      </div>
      {h.reason ? (
        <div className="hosts-reason" data-testid="host-reason">
          {h.reason}
        </div>
      ) : null}
      {maps.map((m) => (
        <div key={m.name} className="hosts-map">
          <div className="hosts-mapname">{m.name}</div>
          {m.kind === 'hist' ? m.hists.map((x) => <Hist key={x.host} map={x.map} />) : <Rows rows={m.rows} limit={8} showHost={false} />}
        </div>
      ))}
      {h.flames.length ? <div className="hosts-mapname">{h.flames.map((f) => `${f.name}: ${formatNumber(f.total)} samples`).join(' · ')}</div> : null}
      {h.printf.length ? <pre className="hosts-printf">{h.printf.slice(-8).map((p) => p.text).join('')}</pre> : null}
    </section>
  );
}

function MergedFlame({ tree }: { tree: FlameNode }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<FlameChart | null>(null);
  useLayoutEffect(() => {
    if (!el.current) return;
    if (!chart.current) chart.current = createFlameChart(el.current, tree, { width: el.current.clientWidth || 800, cellHeight: 16 });
    else chart.current.update(tree);
  }, [tree]);
  useEffect(() => () => chart.current?.destroy(), []);
  return <div className="hosts-flame" ref={el} data-testid="hosts-merged-flame" />;
}

function Merged({ hosts }: { hosts: HostRunView[] }) {
  const maps = useMemo(() => mergeMaps(hosts), [hosts]);
  const stacks = useMemo(() => stackMapNames(hosts), [hosts]);
  const all = hosts.map((h) => h.target);
  return (
    <div className="hosts-merged" data-testid="hosts-merged">
      {stacks.map((name) => {
        const tree = mergeFlames(hosts, name);
        return tree ? (
          <div key={name} className="hosts-map">
            <div className="hosts-mapname">{name} — every host, the host as the root frame</div>
            <MergedFlame tree={tree} />
          </div>
        ) : null;
      })}
      {maps.map((m) => (
        <div key={m.name} className="hosts-map" data-testid="hosts-merged-map">
          <div className="hosts-mapname">
            {m.name} <span className="hosts-dim">key: host, {m.kind === 'hist' ? 'buckets' : 'bpftrace key'}</span>
            {m.hosts.length < all.length ? <span className="hosts-missing"> · not printed by {all.filter((x) => !m.hosts.includes(x)).join(', ')}</span> : null}
          </div>
          {m.kind === 'hist' ? (
            <OverlaidHist hists={m.hists} />
          ) : (
            <Rows rows={m.rows} limit={20} showHost />
          )}
        </div>
      ))}
      {maps.length === 0 && stacks.length === 0 ? <div className="hosts-empty">No maps yet.</div> : null}
    </div>
  );
}

export function HostsDialog() {
  const s = useHosts();
  const [adding, setAdding] = useState('');
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === 'h') {
        e.preventDefault();
        if (useHosts.getState().open) closeHosts();
        else void openHosts();
      } else if (e.key === 'Escape' && useHosts.getState().open && !e.defaultPrevented) {
        e.preventDefault();
        closeHosts();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (!s.open) return null;
  const running = s.run?.running ?? false;
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closeHosts()}>
      <div className="hosts-dialog" role="dialog" aria-label="Hosts" data-testid="hosts-dialog">
        <div className="hosts-head">
          <h2>Hosts</h2>
          <span className="hosts-dim">The script in the editor, on every host you tick, over your own ssh (keys, agent, ~/.ssh/config); one recording per host.</span>
          <button className="toast-close" onClick={closeHosts} aria-label="Close">
            ×
          </button>
        </div>
        <div className="hosts-body">
          <aside className="hosts-list">
            {s.hosts.length === 0 ? <div className="hosts-dim">No Host entries in ~/.ssh/config; add one below.</div> : null}
            {s.hosts.map((h) => (
              <label key={h.spec} className="hosts-pick" data-testid="host-pick">
                <input type="checkbox" checked={s.selected.includes(h.spec)} onChange={() => toggleHost(h.spec)} disabled={running} />
                <span className="hosts-spec">{h.spec}</span>
                <span className="hosts-from">{h.from === 'ssh-config' ? 'ssh config' : 'added'}</span>
              </label>
            ))}
            <form
              className="hosts-add"
              onSubmit={(e) => {
                e.preventDefault();
                void addHost(adding).then((ok) => ok && setAdding(''));
              }}
            >
              <input data-testid="host-add-input" value={adding} onChange={(e) => setAdding(e.target.value)} placeholder="user@host:port" spellCheck={false} />
              <button className="btn" type="submit" data-testid="host-add-button" disabled={!adding.trim()}>
                Add
              </button>
            </form>
            {s.problems.map((p) => (
              <div key={p} className="hosts-reason">
                {p}
              </div>
            ))}
          </aside>
          <main className="hosts-main">
            <div className="hosts-toolbar">
              {running ? (
                <button className="btn btn-stop" data-testid="hosts-stop" onClick={() => void stopHostRun()} disabled={s.busy}>
                  Stop on every host
                </button>
              ) : (
                <button className="btn btn-run" data-testid="hosts-run" onClick={() => void runOnHosts()} disabled={s.busy || s.selected.length === 0}>
                  Run on {s.selected.length} host{s.selected.length === 1 ? '' : 's'}
                </button>
              )}
              <div className="seg">
                <button className={`btn ${s.view === 'side' ? 'on' : ''}`} data-testid="hosts-view-side" onClick={() => useHosts.setState({ view: 'side' })}>
                  Side by side
                </button>
                <button className={`btn ${s.view === 'merged' ? 'on' : ''}`} data-testid="hosts-view-merged" onClick={() => useHosts.setState({ view: 'merged' })}>
                  Merged
                </button>
              </div>
              {s.run ? <span className="hosts-dim">run {s.run.runId}{running ? ' · live' : ' · ended'}</span> : null}
            </div>
            {s.error ? (
              <div className="hosts-reason" data-testid="hosts-error">
                {s.error}
              </div>
            ) : null}
            {!s.run ? <div className="hosts-empty">Tick hosts, then Run: each host runs the script in the editor.</div> : s.view === 'side' ? (
              <div className="hosts-grid">
                {s.run.hosts.map((h) => (
                  <HostCard key={h.target} h={h} />
                ))}
              </div>
            ) : (
              <Merged hosts={s.run.hosts} />
            )}
          </main>
        </div>
      </div>
    </div>
  );
}
