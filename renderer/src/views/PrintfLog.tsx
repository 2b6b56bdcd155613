// The printf log: a window of rows over the run (log-window.ts), so an update costs what
// is visible, not what was printed. The newest ≤ 5,000 lines are in memory (the session
// store's window); older ones are paged from the recording with readLog as they come into
// view. Follows the tail unless the user scrolled up. Search highlights (text or regex)
// across the whole run; "only matching" filters to the matches; lines wrap (or one line
// expands with a double-click) instead of being cut; lines are selected with click and
// Shift+click (Ctrl+A all) and copied with Ctrl+C or the copy button.
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { getClient } from '../actions.js';
import { useSession, type PrintfLine } from '../state/session.js';
import { formatNumber, formatOffset } from './format.js';
import { findLine, LogPages, type FetchPage } from './log-pages.js';
import { FilterScan, indexOfLine, logWindow, makeMatcher, selectionRange, selectionText, splitByRanges, type Matcher, type Selection } from './log-window.js';
import './views.css';

const ROW = 18;

function Highlighted({ text, matcher }: { text: string; matcher: Matcher | null }) {
  if (!matcher) return <>{text}</>;
  const parts = splitByRanges(text, matcher.ranges(text));
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p))}</>;
}

/**
 * The async clipboard, or (where it is refused or hangs waiting for a permission, as in a
 * page over plain http) the old copy command on a hidden textarea, in the same user gesture.
 */
async function writeClipboard(text: string): Promise<void> {
  const viaTextarea = () => {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    const active = document.activeElement as HTMLElement | null;
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    active?.focus();
    if (!ok) throw new Error('the browser refused to copy');
  };
  if (!navigator.clipboard) return viaTextarea();
  try {
    await Promise.race([navigator.clipboard.writeText(text), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500))]);
  } catch {
    viaTextarea();
  }
}

export function PrintfLog() {
  const lines = useSession((s) => s.printf);
  const total = useSession((s) => s.printfSeen);
  const skipped = useSession((s) => s.printfSkipped);
  const phase = useSession((s) => s.phase);
  const sessionId = useSession((s) => s.sessionId);
  // A replay holds the newest lines up to its time and pages the ones before from its
  // recording, as a live run does: every line of the run is there to scroll, search and copy.
  const replayId = useSession((s) => s.replay?.id ?? null);
  const base = 0;
  const viewport = useRef<HTMLDivElement>(null);
  const [rows, setRows] = useState(20);
  /** Index of the first row in the sequence; null follows the tail. */
  const [start, setStart] = useState<number | null>(null);
  const [showTime, setShowTime] = useState(true);
  const [wrap, setWrap] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [onlyMatching, setOnlyMatching] = useState(false);
  const [current, setCurrent] = useState(-1);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [, bump] = useReducer((x: number) => x + 1, 0);

  const fetchPage: FetchPage | null = useMemo(() => {
    if (replayId) {
      return async (s, count) => {
        const c = getClient();
        if (!c) throw new Error('not connected');
        return (await c.readRecordingLog({ id: replayId, start: s, count })).lines;
      };
    }
    if (!sessionId) return null;
    return async (s, count) => {
      const c = getClient();
      if (!c) throw new Error('not connected');
      return (await c.readLog({ sessionId, start: s, count })).lines;
    };
  }, [sessionId, replayId]);
  const pages = useMemo(() => (fetchPage ? new LogPages(fetchPage, bump) : null), [fetchPage]);

  // Rows that fit: measured, so a taller pane shows more (and costs more) — never the run's length.
  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const measure = () => setRows(Math.max(1, Math.floor((el.clientHeight - 8) / ROW)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const matcherOrError = useMemo(() => makeMatcher(query, regex), [query, regex]);
  const matcher = matcherOrError && 'test' in matcherOrError ? matcherOrError : null;
  const queryError = matcherOrError && 'error' in matcherOrError ? matcherOrError.error : null;

  // One scan per query over the whole run (recording pages, then the live tail).
  const scan = useMemo(() => (matcher ? new FilterScan(matcher, fetchPage, base) : null), [matcher, fetchPage, base]);
  useEffect(() => () => scan?.cancel(), [scan]);
  const lineInMemory = useCallback((n: number): PrintfLine | null => (lines.length > 0 && n >= lines[0].n ? findLine(lines, n) : null), [lines]);
  useEffect(() => {
    if (!scan) return;
    const t = setTimeout(() => void scan.scanTo(total, lineInMemory, bump), 50);
    return () => clearTimeout(t);
  }, [scan, total, lineInMemory]);

  const hits = scan ? scan.hits : null;
  const seq = { base, hits: onlyMatching && hits ? hits : null };
  const win = logWindow({ total, base, hits: seq.hits, rows, start });
  const following = start === null;

  const lineOf = (n: number): PrintfLine | null => lineInMemory(n) ?? pages?.get(n) ?? null;

  const scrollTo = useCallback(
    (s: number | null) => {
      if (s === null || s >= win.maxStart) setStart(null);
      else setStart(Math.max(0, s));
    },
    [win.maxStart],
  );
  const scrollBy = (d: number) => scrollTo((start ?? win.maxStart) + d);

  // The wheel scrolls by lines (non-passive: the page must not scroll instead).
  const wheel = useRef<(e: WheelEvent) => void>(() => {});
  wheel.current = (e: WheelEvent) => {
    e.preventDefault();
    const px = e.deltaMode === 1 ? e.deltaY * ROW : e.deltaMode === 2 ? e.deltaY * rows * ROW : e.deltaY;
    const d = Math.trunc(px / ROW) || Math.sign(px);
    scrollBy(d);
  };
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const h = (e: WheelEvent) => {
      if (Math.abs(e.deltaY) > Math.abs(e.deltaX)) wheel.current(e);
    };
    el.addEventListener('wheel', h, { passive: false });
    return () => el.removeEventListener('wheel', h);
  }, []);

  // A new run starts following again, with no search position or selection of the last one.
  useEffect(() => {
    if (phase === 'starting') {
      setStart(null);
      setCurrent(-1);
      setSelection(null);
      setExpanded(new Set());
    }
  }, [phase]);

  const goTo = (k: number) => {
    if (!hits || hits.length === 0) return;
    const i = ((k % hits.length) + hits.length) % hits.length;
    setCurrent(i);
    const at = indexOfLine(seq, hits[i]);
    scrollTo(Math.max(0, at - Math.floor(rows / 2)));
  };

  const copy = async (s: Selection | null = selection) => {
    if (!s) return;
    try {
      const r = await selectionText(s, seq, lineOf, pages?.error ? null : fetchPage);
      await writeClipboard(r.text);
      setCopied(`${formatNumber(r.lines)} line${r.lines === 1 ? '' : 's'} copied${r.capped ? ' (the first 100,000)' : ''}`);
    } catch (e) {
      setCopied(`copy failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    setTimeout(() => setCopied(null), 2500);
  };

  const onKeyDown = (e: ReactKeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'c' && selection) {
      e.preventDefault();
      void copy();
    } else if (mod && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      const first = seq.hits ? seq.hits[0] : base + 1;
      const last = seq.hits ? seq.hits[seq.hits.length - 1] : total;
      if (first !== undefined && last >= first) setSelection({ anchor: first, focus: last });
    } else if (e.key === 'Escape') setSelection(null);
    else if (e.key === 'ArrowDown') scrollBy(1);
    else if (e.key === 'ArrowUp') scrollBy(-1);
    else if (e.key === 'PageDown') scrollBy(rows - 1);
    else if (e.key === 'PageUp') scrollBy(-(rows - 1));
    else if (e.key === 'Home') scrollTo(0);
    else if (e.key === 'End') scrollTo(null);
    else return;
    e.preventDefault();
  };

  const onRowClick = (n: number, e: ReactMouseEvent) => {
    viewport.current?.focus();
    if (e.shiftKey && selection) setSelection({ anchor: selection.anchor, focus: n });
    else if (selection && selection.anchor === n && selection.focus === n) setSelection(null);
    else setSelection({ anchor: n, focus: n });
  };
  const toggleExpanded = (n: number) => {
    const next = new Set(expanded);
    if (next.has(n)) next.delete(n);
    else next.add(n);
    setExpanded(next);
  };

  // The scrollbar: the thumb's place is the first row's place in the sequence.
  const track = useRef<HTMLDivElement>(null);
  const trackH = Math.max(1, rows * ROW);
  const thumbH = win.length <= rows ? trackH : Math.max(24, (rows / win.length) * trackH);
  const thumbTop = win.maxStart === 0 ? 0 : (win.start / win.maxStart) * (trackH - thumbH);
  const dragTo = (clientY: number, grab: number) => {
    const el = track.current;
    if (!el || win.maxStart === 0) return;
    const r = el.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (clientY - r.top - grab) / Math.max(1, r.height - thumbH)));
    scrollTo(Math.round(f * win.maxStart));
  };
  const onTrackDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const el = track.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const y = e.clientY - r.top;
    const onThumb = y >= thumbTop && y <= thumbTop + thumbH;
    const grab = onThumb ? y - thumbTop : thumbH / 2;
    el.setPointerCapture(e.pointerId);
    dragTo(e.clientY, grab);
    const move = (m: PointerEvent) => dragTo(m.clientY, grab);
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };

  const currentN = hits && current >= 0 ? hits[current] : -1;
  const sel = selection ? selectionRange(selection) : null;
  const scanning = scan && scan.scanned < total && !scan.error && !scan.truncated;

  return (
    <div className="printf-wrap">
      <div className="log-tools">
        <input
          className={`log-search${queryError ? ' invalid' : ''}`}
          placeholder={regex ? 'Search output (regex)' : 'Search output'}
          value={query}
          spellCheck={false}
          title={queryError ?? undefined}
          onChange={(e) => {
            setQuery(e.target.value);
            setCurrent(-1);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') goTo(current + (e.shiftKey ? -1 : 1));
          }}
          data-testid="log-search"
        />
        <button className={`btn-mini${regex ? ' on' : ''}`} onClick={() => setRegex(!regex)} data-testid="log-regex" title="regular expression">
          .*
        </button>
        <button
          className={`btn-mini${onlyMatching ? ' on' : ''}`}
          onClick={() => {
            setOnlyMatching(!onlyMatching);
            setStart(null);
          }}
          data-testid="log-filter"
          title="show only the lines that match"
        >
          only matching
        </button>
        {queryError ? (
          <span className="status-lost" data-testid="log-query-error">
            {queryError}
          </span>
        ) : hits ? (
          <>
            <span data-testid="log-hits">
              {current >= 0 ? `${formatNumber(current + 1)} / ` : ''}
              {formatNumber(hits.length)}
              {scan?.truncated ? '+' : ''} {scanning ? `in ${formatNumber(scan!.scanned)} lines…` : 'in run'}
            </span>
            <button className="btn-mini" onClick={() => goTo(current - 1)} disabled={hits.length === 0} title="previous (Shift+Enter)">
              ↑
            </button>
            <button className="btn-mini" onClick={() => goTo(current + 1)} disabled={hits.length === 0} title="next (Enter)">
              ↓
            </button>
            {scan?.error ? <span title={scan.error}>(window only: older lines unavailable)</span> : null}
          </>
        ) : null}
        <span className="log-spacer" />
        {copied ? <span data-testid="log-copied">{copied}</span> : null}
        {skipped > 0 ? (
          <span className="status-lost" data-testid="printf-skipped" title="lines not streamed during a flood; they are in the recording">
            {formatNumber(skipped)} skipped
          </span>
        ) : null}
        {pages?.error ? <span title={pages.error}>older lines unavailable</span> : null}
        <button className="btn-mini" onClick={() => void copy()} disabled={!selection} data-testid="log-copy" title="copy the selected lines (Ctrl+C); click a line, Shift+click another, Ctrl+A for all">
          copy
        </button>
        <button className={`btn-mini${wrap ? ' on' : ''}`} onClick={() => setWrap(!wrap)} data-testid="log-wrap" title="wrap long lines (double-click one line to expand only it)">
          wrap
        </button>
        <button className={`btn-mini${showTime ? ' on' : ''}`} onClick={() => setShowTime(!showTime)} data-testid="log-timestamps" title="time since the run started (s)">
          t
        </button>
      </div>
      <div className="printf-body">
        <div
          className={`printf-log${wrap ? ' wrap' : ''}${following ? ' following' : ''}`}
          ref={viewport}
          tabIndex={0}
          onKeyDown={onKeyDown}
          data-testid="printf-log"
          data-rows={win.numbers.length}
          data-first={win.numbers[0] ?? 0}
        >
          {total === 0 ? (
            <div className="empty">{phase === 'idle' ? 'printf() output appears here.' : 'No output yet.'}</div>
          ) : win.length === 0 ? (
            <div className="empty">No line matches.</div>
          ) : (
            <div className="printf-rows">
              {win.numbers.map((n, slot) => {
                const line = lineOf(n);
                const selected = sel !== null && n >= sel[0] && n <= sel[1];
                // Keyed by slot, not by line: following the tail, every update shows other
                // lines in the same rows, and React then changes their text in place instead
                // of removing and creating every row's elements.
                return (
                  <div
                    key={slot}
                    className={`printf-line${line ? '' : ' pending'}${n === currentN ? ' hit-current' : ''}${selected ? ' selected' : ''}${expanded.has(n) ? ' expanded' : ''}`}
                    data-testid="printf-line"
                    data-n={n}
                    onMouseDown={(e) => {
                      if (e.shiftKey) e.preventDefault(); // Shift+click extends our selection, not the browser's text selection
                    }}
                    onClick={(e) => onRowClick(n, e)}
                    onDoubleClick={() => toggleExpanded(n)}
                  >
                    <span className="printf-n">{n}</span>
                    {showTime ? <span className="printf-t">{line ? formatOffset(line.t) : ''}</span> : null}
                    <span className="printf-text">{line ? <Highlighted text={line.text} matcher={matcher} /> : pages?.error ? '(not in memory)' : '…'}</span>
                  </div>
                );
              })}
            </div>
          )}
        </div>
        {win.length > rows ? (
          <div className="log-scrollbar" ref={track} onPointerDown={onTrackDown} data-testid="log-scrollbar" style={{ height: trackH }}>
            <div className="log-thumb" style={{ height: thumbH, transform: `translateY(${thumbTop}px)` }} />
          </div>
        ) : null}
      </div>
      {!following && total > 0 ? (
        <button className="follow-button" onClick={() => scrollTo(null)} data-testid="follow-tail">
          ↓ Follow output
        </button>
      ) : null}
    </div>
  );
}
