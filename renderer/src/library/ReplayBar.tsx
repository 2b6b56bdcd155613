// Shown while the views replay a recording: what it is, the time scrubber over its map
// prints (←/→ step, Shift jumps a tenth, Home/End), where it is ("at 12.0 s of 30.0 s"),
// Export, Compare with…, and Close (back to live).
import { useEffect, useState } from 'react';
import { formatNumber } from '../views/format.js';
import { closeReplay, openDialog, seek, step } from './actions.js';
import { ExportMenu } from './ExportMenu.js';
import { formatStart } from './format.js';
import { frameForKey, readout } from './scrubber.js';
import { useLibrary, useReplay } from './store.js';
import './library.css';

/** ←/→ anywhere but in a text field step the replay (the slider handles its own keys). */
function useScrubKeys(active: boolean) {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.closest('.monaco-editor') || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable)) return;
      if (useLibrary.getState().dialog !== 'none') return;
      const r = useReplay.getState();
      if (!r.opened) return;
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const next = frameForKey(r.opened.frames, r.index, e.key, e.shiftKey);
      if (next === null) return;
      e.preventDefault();
      seek(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}

export function ReplayBar() {
  const opened = useReplay((s) => s.opened);
  const index = useReplay((s) => s.index);
  const t = useReplay((s) => s.t);
  const busy = useReplay((s) => s.busy);
  const error = useReplay((s) => s.error);
  const series = useReplay((s) => s.series);
  // Say "loading" only when it takes long enough to notice.
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!busy) {
      setSlow(false);
      return;
    }
    const id = setTimeout(() => setSlow(true), 200);
    return () => clearTimeout(id);
  }, [busy]);
  useScrubKeys(opened !== null);
  if (!opened) return null;
  const s = opened.summary;
  const frames = opened.frames;
  const n = frames.length;
  const version = `bpftrace ${opened.bpftraceVersion ?? '?'}`;

  return (
    <div className="replay-bar" data-testid="replay-bar" role="region" aria-label="Replay">
      <span className="replay-badge" title="The views show a recording, not a live run">
        <span className="replay-icon" aria-hidden="true">▶</span> REPLAY
      </span>
      <div className="replay-what">
        <div className="replay-name" data-testid="replay-name" title={s.path}>
          <span className="replay-name-text">{s.name}</span>
          {s.interrupted ? (
            <span className="lib-badge lib-badge-interrupted" title="No exit was written: it opens as far as it was written">
              interrupted
            </span>
          ) : null}
          {s.origin !== 'run' ? <span className="lib-badge lib-badge-import">imported · {s.origin}</span> : null}
        </div>
        <div className="replay-meta">
          {formatStart(s.startedAt, new Date())} · {formatNumber(s.events)} events{s.lostEvents ? ` · ${formatNumber(s.lostEvents)} lost` : ''} ·{' '}
          {s.origin === 'run' ? `${version} · ${opened.kernelRelease}` : 'imported'}
        </div>
      </div>
      <div className="replay-scrub">
        <button className="btn btn-small btn-ghost" data-testid="replay-prev" disabled={n === 0 || index <= 0} onClick={() => step(-1)} title="Previous snapshot (←)">
          ◀
        </button>
        <input
          type="range"
          className="replay-slider"
          data-testid="replay-slider"
          min={0}
          max={Math.max(0, n - 1)}
          step={1}
          value={Math.max(0, index)}
          disabled={n <= 1}
          aria-label="Time in the recording"
          aria-valuetext={readout(t, s.durationMs, frames)}
          onChange={(e) => seek(Number(e.target.value))}
          onKeyDown={(e) => {
            // Shift+arrows jump a tenth; Home/End (native) are fine as they are.
            if (e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
              e.preventDefault();
              const next = frameForKey(frames, index, e.key, true);
              if (next !== null) seek(next);
            }
          }}
          title={n <= 1 ? 'This recording has a single snapshot of its maps' : 'Scrub through the map snapshots (←/→, Shift for bigger steps, Home/End)'}
        />
        <button className="btn btn-small btn-ghost" data-testid="replay-next" disabled={n === 0 || index >= n - 1} onClick={() => step(1)} title="Next snapshot (→)">
          ▶
        </button>
        <span className="replay-readout" data-testid="replay-readout" aria-live="polite">
          {readout(t, s.durationMs, frames)}
        </span>
        <span className="replay-frame" data-testid="replay-frame">
          {n > 0 ? `snapshot ${index + 1} / ${n}` : 'no map snapshots'}
        </span>
        {slow ? <span className="replay-loading" data-testid="replay-loading">loading…</span> : null}
        {series ? (
          <span className="replay-loading" data-testid="replay-series" title="Reading the earlier snapshots for rates and time series">
            series {series.done}/{series.total}
          </span>
        ) : null}
        {error ? (
          <span className="replay-error" data-testid="replay-error" title={error}>
            could not load this moment: {error}
          </span>
        ) : null}
      </div>
      <div className="replay-actions">
        <ExportMenu summary={s} />
        <button
          className="btn btn-small btn-ghost"
          data-testid="replay-compare"
          onClick={() => {
            useLibrary.setState({ compare: { a: s.id, b: null } });
            openDialog('compare');
          }}
          title="Compare this recording (A, before) with another (B, after)"
        >
          Compare with…
        </button>
        <button className="btn btn-small btn-ghost" data-testid="replay-close" onClick={closeReplay} title="Close the replay (back to live runs)">
          Close replay ✕
        </button>
      </div>
    </div>
  );
}
