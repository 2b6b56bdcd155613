// The Export menu of a recording: every format exportRecording writes, with what reads it,
// and a map picker when the recording has several (stack) maps. Keyboard: ↑/↓, Enter, Esc.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat, type RecordingSummary } from '../../../common/contract/index.js';
import { exportRecording } from './actions.js';

export const FORMAT_INFO: Record<ExportFormat, { label: string; reads: string; stacks: boolean }> = {
  folded: { label: 'Folded stacks', reads: 'flamegraph.pl, inferno', stacks: true },
  speedscope: { label: 'speedscope', reads: 'speedscope.app', stacks: true },
  pprof: { label: 'pprof (gzipped)', reads: 'go tool pprof, Pyroscope, Parca', stacks: true },
  'chrome-trace': { label: 'Chrome trace', reads: 'Perfetto UI, chrome://tracing', stacks: false },
  csv: { label: 'CSV', reads: 'maps & histograms, one row per key or bucket', stacks: false },
  svg: { label: 'SVG flame graph', reads: 'any browser (searchable)', stacks: true },
  json: { label: 'JSON', reads: 'the recording itself', stacks: false },
};

export function ExportMenu({ summary, onPng }: { summary: RecordingSummary; compact?: boolean; onPng?: () => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [map, setMap] = useState<string>('');
  const [cursor, setCursor] = useState(0);
  const wrap = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  // Fixed to the viewport (a scrolling list must not clip it), below the button or above when there is no room.
  const [pos, setPos] = useState<{ top: number; right: number } | null>(null);
  useLayoutEffect(() => {
    if (!open) return setPos(null);
    const button = wrap.current?.querySelector('.export-button');
    const m = menu.current;
    if (!button || !m) return;
    const r = button.getBoundingClientRect();
    const h = m.offsetHeight;
    const below = r.bottom + 4 + h <= window.innerHeight - 8;
    setPos({ top: below ? r.bottom + 4 : Math.max(8, r.top - 4 - h), right: Math.max(8, window.innerWidth - r.right) });
  }, [open]);
  const hasStacks = summary.stackMaps.length > 0;
  const pickable = summary.stackMaps.length > 1 ? summary.stackMaps : [];

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    // The list moving under the menu would leave it behind: close on scroll or resize.
    const onMove = (e: Event) => {
      if (!menu.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('scroll', onMove, true);
    window.addEventListener('resize', onMove);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('scroll', onMove, true);
      window.removeEventListener('resize', onMove);
    };
  }, [open]);
  useEffect(() => {
    if (pos) menu.current?.querySelector<HTMLElement>('.export-item:not([disabled])')?.focus({ preventScroll: true });
  }, [pos]);

  const run = async (f: ExportFormat) => {
    setBusy(f);
    const stackMap = FORMAT_INFO[f].stacks && map ? map : undefined;
    await exportRecording(summary.id, f, stackMap);
    setBusy(null);
    setOpen(false);
  };

  const items = EXPORT_FORMATS.map((f) => ({ f, disabled: FORMAT_INFO[f].stacks && !hasStacks }));
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const els = [...(wrap.current?.querySelectorAll<HTMLElement>('.export-item:not([disabled])') ?? [])];
    if (!els.length) return;
    const i = els.indexOf(document.activeElement as HTMLElement);
    const next = (i + (e.key === 'ArrowDown' ? 1 : -1) + els.length) % els.length;
    setCursor(next);
    els[next].focus();
  };

  return (
    <div className="export-wrap" ref={wrap} onKeyDown={onKey}>
      <button
        className="btn btn-small btn-ghost export-button"
        data-testid="export-button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(!open);
        }}
        title="Export this recording (folded, speedscope, pprof, Chrome trace, CSV, SVG, JSON)"
      >
        {busy ? 'Exporting…' : 'Export'} <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div
          ref={menu}
          className="export-menu"
          role="menu"
          data-testid="export-menu"
          onClick={(e) => e.stopPropagation()}
          data-cursor={cursor}
          style={pos ? { top: pos.top, right: pos.right } : { visibility: 'hidden', top: 0, right: 0 }}
        >
          {pickable.length ? (
            <label className="export-map">
              <span>Stack map</span>
              <select value={map} onChange={(e) => setMap(e.target.value)} data-testid="export-map">
                <option value="">first ({pickable[0]})</option>
                {pickable.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {items.map(({ f, disabled }) => (
            <button
              key={f}
              role="menuitem"
              className="export-item"
              data-testid={`export-${f}`}
              disabled={disabled || busy !== null}
              title={disabled ? 'This recording has no stack maps (kstack/ustack) to export as a profile.' : undefined}
              onClick={() => void run(f)}
            >
              <span className="export-label">
                {FORMAT_INFO[f].label}
                {busy === f ? <span className="export-busy"> · exporting…</span> : null}
              </span>
              <span className="export-reads">{disabled ? 'needs stacks' : FORMAT_INFO[f].reads}</span>
            </button>
          ))}
          {onPng ? (
            <button
              role="menuitem"
              className="export-item"
              data-testid="export-png"
              onClick={() => {
                setOpen(false);
                onPng();
              }}
            >
              <span className="export-label">PNG of the flame graph</span>
              <span className="export-reads">the chart as shown, made here</span>
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
