// Compare two recordings (A = before, B = after): a differential flame graph of their
// stack maps, and their other maps and histograms overlaid. A full-window dialog;
// Esc closes, the swap button exchanges A and B.
import { useEffect, useMemo, useState } from 'react';
import type { RecordingSummary } from '../../../common/contract/index.js';
import { closeDialog, diffRecordings, errorMessage, finalState, openDialog, type DiffResult } from '../library/actions.js';
import { formatStart } from '../library/format.js';
import { useLibrary } from '../library/store.js';
import { DiffFlame } from './DiffFlame.js';
import { pairMaps, type OverlayPair } from './overlay.js';
import { Overlays } from './Overlays.js';
import './compare.css';

function Picker({ label, value, items, onChange, testid }: { label: string; value: string | null; items: RecordingSummary[]; onChange(id: string): void; testid: string }) {
  const now = new Date();
  return (
    <label className="cmp-pick">
      <span className="cmp-side">{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-testid={testid}>
        <option value="" disabled>
          Choose a recording…
        </option>
        {items.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} — {formatStart(s.startedAt, now)}
            {s.stackMaps.length ? ' · stacks' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

type Load<T> = { state: 'idle' } | { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; value: T };

export function CompareView() {
  const items = useLibrary((s) => s.items);
  const { a, b } = useLibrary((s) => s.compare);
  const [mapA, setMapA] = useState('');
  const [mapB, setMapB] = useState('');
  const [diff, setDiff] = useState<Load<DiffResult>>({ state: 'idle' });
  const [overlays, setOverlays] = useState<Load<OverlayPair[]>>({ state: 'idle' });
  const sa = items.find((i) => i.id === a);
  const sb = items.find((i) => i.id === b);
  const set = (p: Partial<{ a: string | null; b: string | null }>) => useLibrary.setState({ compare: { a, b, ...p } });
  const bothStacks = !!sa && !!sb && sa.stackMaps.length > 0 && sb.stackMaps.length > 0;

  useEffect(() => {
    setMapA('');
    setMapB('');
  }, [a, b]);

  useEffect(() => {
    if (!a || !b || !sa || !sb) return setDiff({ state: 'idle' });
    if (!bothStacks) return setDiff({ state: 'idle' });
    let live = true;
    setDiff({ state: 'loading' });
    diffRecordings(a, b, mapA || undefined, mapB || undefined)
      .then((value) => live && setDiff({ state: 'done', value }))
      .catch((e) => live && setDiff({ state: 'error', message: errorMessage(e) }));
    return () => {
      live = false;
    };
  }, [a, b, mapA, mapB, bothStacks]);

  useEffect(() => {
    if (!a || !b) return setOverlays({ state: 'idle' });
    let live = true;
    setOverlays({ state: 'loading' });
    Promise.all([finalState(a), finalState(b)])
      .then(([x, y]) => {
        const stack = [...(sa?.stackMaps ?? []), ...(sb?.stackMaps ?? []), ...x.flames.map((f) => f.name), ...y.flames.map((f) => f.name)];
        if (live) setOverlays({ state: 'done', value: pairMaps(x.maps, y.maps, stack) });
      })
      .catch((e) => live && setOverlays({ state: 'error', message: errorMessage(e) }));
    return () => {
      live = false;
    };
  }, [a, b]);

  const title = useMemo(() => `${sa?.name ?? 'A'} vs ${sb?.name ?? 'B'}`, [sa, sb]);

  return (
    <div className="modal-backdrop cmp-backdrop" onClick={closeDialog}>
      <div className="lib-dialog cmp-dialog" role="dialog" aria-modal="true" aria-label="Compare" data-testid="compare" onClick={(e) => e.stopPropagation()}>
        <div className="lib-head cmp-head">
          <div className="lib-heading">Compare</div>
          <Picker label="A · before" value={a} items={items} onChange={(id) => set({ a: id })} testid="compare-a" />
          <button className="btn btn-small btn-ghost cmp-swap" data-testid="compare-swap" onClick={() => set({ a: b, b: a })} disabled={!a && !b} title="Swap A and B">
            ⇄
          </button>
          <Picker label="B · after" value={b} items={items} onChange={(id) => set({ b: id })} testid="compare-b" />
          <span className="pane-header-spacer" />
          <button className="btn btn-small btn-ghost" onClick={() => openDialog('library')} title="Back to the recordings">
            ← Recordings
          </button>
          <button className="btn btn-ghost" data-testid="compare-close" onClick={closeDialog} title="Close (Esc)">
            ✕
          </button>
        </div>
        <div className="cmp-body scroll">
          {!a || !b ? (
            <div className="lib-empty">Choose {!a && !b ? 'two recordings' : !a ? 'A (before)' : 'B (after)'} to compare: runs of the same script before and after a change compare best.</div>
          ) : a === b ? (
            <div className="lib-empty">A and B are the same recording: choose another for one of them.</div>
          ) : (
            <>
              <div className="cmp-section-head">
                <span className="cmp-section-title">Flame graph difference</span>
                {bothStacks && (sa!.stackMaps.length > 1 || sb!.stackMaps.length > 1) ? (
                  <>
                    <label className="cmp-map">
                      A map
                      <select value={mapA} onChange={(e) => setMapA(e.target.value)}>
                        <option value="">{sa!.stackMaps[0]}</option>
                        {sa!.stackMaps.slice(1).map((m) => (
                          <option key={m}>{m}</option>
                        ))}
                      </select>
                    </label>
                    <label className="cmp-map">
                      B map
                      <select value={mapB} onChange={(e) => setMapB(e.target.value)}>
                        <option value="">{sb!.stackMaps[0]}</option>
                        {sb!.stackMaps.slice(1).map((m) => (
                          <option key={m}>{m}</option>
                        ))}
                      </select>
                    </label>
                  </>
                ) : null}
                {diff.state === 'done' ? (
                  <span className="cmp-maps">
                    map {diff.value.mapA} of A → map {diff.value.mapB} of B
                  </span>
                ) : null}
              </div>
              {!bothStacks ? (
                <div className="cmp-note" data-testid="compare-no-stacks">
                  {!sa?.stackMaps.length && !sb?.stackMaps.length ? 'Neither recording has' : !sa?.stackMaps.length ? 'A has no' : 'B has no'} stack maps (kstack/ustack keys), so there is no flame graph to compare; the maps below still are.
                </div>
              ) : diff.state === 'loading' ? (
                <div className="cmp-note" data-testid="compare-loading">
                  <span className="spinner small" /> Comparing the stacks…
                </div>
              ) : diff.state === 'error' ? (
                <div className="cmp-note cmp-error" role="alert" data-testid="compare-error">
                  Could not compare the stacks: {diff.message}
                </div>
              ) : diff.state === 'done' ? (
                <DiffFlame tree={diff.value.tree} totals={{ totalA: diff.value.totalA, totalB: diff.value.totalB }} title={title} />
              ) : null}
              <div className="cmp-section-head">
                <span className="cmp-section-title">Maps and histograms in both</span>
              </div>
              {overlays.state === 'loading' ? (
                <div className="cmp-note">
                  <span className="spinner small" /> Loading both recordings&apos; final maps…
                </div>
              ) : overlays.state === 'error' ? (
                <div className="cmp-note cmp-error" role="alert">
                  Could not load the maps: {overlays.message}
                </div>
              ) : overlays.state === 'done' ? (
                overlays.value.length === 0 ? (
                  <div className="cmp-note">No map or histogram of the same name and kind is in both (stack maps are compared above).</div>
                ) : (
                  <Overlays pairs={overlays.value} scriptA={sa?.script} scriptB={sb?.script} />
                )
              ) : null}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
