// The printf log: virtualized over every line of the run; the newest ≤ 5,000 are in memory
// (the session store's window), older ones are paged from the recording with readLog as
// they scroll into view. Follows the tail unless the user scrolled up; search highlights
// matches and can search the whole run; timestamps (t since the run started) toggle.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { getClient } from '../actions.js';
import { useSession } from '../state/session.js';
import { formatNumber, formatOffset } from './format.js';
import { findLine, LogPages, searchRun, splitMatches, type FetchPage } from './log-pages.js';
import './views.css';

const ROW = 18;

function Highlighted({ text, q }: { text: string; q: string }) {
  if (!q) return <>{text}</>;
  const parts = splitMatches(text, q);
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p))}</>;
}

export function PrintfLog() {
  const lines = useSession((s) => s.printf);
  const total = useSession((s) => s.printfSeen);
  const skipped = useSession((s) => s.printfSkipped);
  const phase = useSession((s) => s.phase);
  const sessionId = useSession((s) => s.sessionId);
  // A replay holds the newest lines up to its time; the ones before are not paged in.
  const replaying = useSession((s) => s.replay !== null);
  const base = replaying && lines.length > 0 ? lines[0].n - 1 : 0;
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const followRef = useRef(true);
  const [showTime, setShowTime] = useState(true);
  const [query, setQuery] = useState('');
  const [runHits, setRunHits] = useState<{ q: string; hits: number[] } | null>(null);
  const [searching, setSearching] = useState(false);
  const [current, setCurrent] = useState(-1);
  const [, bump] = useReducer((x: number) => x + 1, 0);

  const fetchPage: FetchPage | null = useMemo(() => {
    if (!sessionId) return null;
    return async (start, count) => {
      const c = getClient();
      if (!c) throw new Error('not connected');
      return (await c.readLog({ sessionId, start, count })).lines;
    };
  }, [sessionId]);
  const pages = useMemo(() => (fetchPage ? new LogPages(fetchPage, bump) : null), [fetchPage]);

  const virtualizer = useVirtualizer({
    count: total - base,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 20,
  });

  const windowHits = useMemo(() => {
    if (!query) return [];
    const q = query.toLowerCase();
    return lines.filter((l) => l.text.toLowerCase().includes(q)).map((l) => l.n);
  }, [lines, query]);
  const hits = runHits && runHits.q === query ? runHits.hits : windowHits;

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 1.5;
    if (atBottom !== followRef.current) {
      followRef.current = atBottom;
      setFollow(atBottom);
    }
  };

  useLayoutEffect(() => {
    if (followRef.current && total > 0) {
      const el = scroller.current;
      if (el) el.scrollTop = el.scrollHeight;
    }
  }, [total, lines]);

  // A new run starts following again, with no search results of the last one.
  useEffect(() => {
    if (phase === 'starting') {
      followRef.current = true;
      setFollow(true);
      setRunHits(null);
      setCurrent(-1);
    }
  }, [phase]);

  const jump = () => {
    followRef.current = true;
    setFollow(true);
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  const goTo = (i: number) => {
    if (hits.length === 0) return;
    const k = ((i % hits.length) + hits.length) % hits.length;
    setCurrent(k);
    followRef.current = false;
    setFollow(false);
    virtualizer.scrollToIndex(hits[k] - 1 - base, { align: 'center' });
  };

  const searchWholeRun = async () => {
    if (!fetchPage || !query) return;
    setSearching(true);
    try {
      const found = await searchRun(fetchPage, total, query);
      setRunHits({ q: query, hits: found });
      setCurrent(-1);
    } catch {
      setRunHits({ q: query, hits: windowHits });
    } finally {
      setSearching(false);
    }
  };

  const windowStart = lines.length > 0 ? lines[0].n : total + 1;
  const currentN = current >= 0 ? hits[current] : -1;

  return (
    <div className="printf-wrap">
      <div className="log-tools">
        <input
          className="log-search"
          placeholder="Search output"
          value={query}
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value);
            setCurrent(-1);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') goTo(current + (e.shiftKey ? -1 : 1));
          }}
          data-testid="log-search"
        />
        {query ? (
          <>
            <span data-testid="log-hits">
              {current >= 0 ? `${formatNumber(current + 1)} / ` : ''}
              {formatNumber(hits.length)} {runHits && runHits.q === query ? 'in run' : 'in window'}
            </span>
            <button className="btn-mini" onClick={() => goTo(current - 1)} disabled={hits.length === 0} title="previous (Shift+Enter)">
              ↑
            </button>
            <button className="btn-mini" onClick={() => goTo(current + 1)} disabled={hits.length === 0} title="next (Enter)">
              ↓
            </button>
            <button
              className="btn-mini"
              onClick={() => void searchWholeRun()}
              disabled={!fetchPage || searching || total <= lines.length}
              data-testid="log-search-run"
              title="search every line of the run, through the recording"
            >
              {searching ? 'searching…' : 'whole run'}
            </button>
          </>
        ) : null}
        <span className="log-spacer" />
        {base > 0 ? (
          <span className="status-dim" data-testid="printf-earlier" title="The replay shows the newest lines up to its time; export JSON for all of them">
            {formatNumber(base)} earlier lines not shown
          </span>
        ) : null}
        {skipped > 0 ? (
          <span className="status-lost" data-testid="printf-skipped" title="lines not streamed during a flood; they are in the recording">
            {formatNumber(skipped)} skipped
          </span>
        ) : null}
        {pages?.error ? <span title={pages.error}>older lines unavailable</span> : null}
        <button className={`btn-mini${showTime ? ' on' : ''}`} onClick={() => setShowTime(!showTime)} data-testid="log-timestamps" title="time since the run started (s)">
          t
        </button>
      </div>
      <div className="printf-log scroll" ref={scroller} onScroll={onScroll} data-testid="printf-log">
        {total === 0 ? (
          <div className="empty">{phase === 'idle' ? 'printf() output appears here.' : 'No output yet.'}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const n = base + v.index + 1;
              const line = n >= windowStart ? findLine(lines, n) : (pages?.get(n) ?? null);
              return (
                <div
                  key={n}
                  className={`printf-line${line ? '' : ' pending'}${n === currentN ? ' hit-current' : ''}`}
                  data-testid="printf-line"
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${v.start}px)` }}
                >
                  <span className="printf-n">{n}</span>
                  {showTime ? <span className="printf-t">{line ? formatOffset(line.t) : ''}</span> : null}
                  <span className="printf-text">{line ? <Highlighted text={line.text} q={query} /> : pages?.error ? '(not in memory)' : '…'}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      {!follow && total > 0 ? (
        <button className="follow-button" onClick={jump} data-testid="follow-tail">
          ↓ Follow output
        </button>
      ) : null}
    </div>
  );
}
