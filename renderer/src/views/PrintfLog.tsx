// The printf log: virtualized, follows the tail unless the user scrolled up.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useSession } from '../state/session.js';
import { formatNumber, formatOffset } from './format.js';

const ROW = 18;

export function PrintfLog() {
  const lines = useSession((s) => s.printf);
  const skipped = useSession((s) => s.printfSkipped);
  const phase = useSession((s) => s.phase);
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const followRef = useRef(true);

  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 20,
  });

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
    if (followRef.current && lines.length > 0) {
      const el = scroller.current;
      if (el) el.scrollTop = el.scrollHeight;
    }
  }, [lines]);

  // A new run starts following again.
  useEffect(() => {
    if (phase === 'starting') {
      followRef.current = true;
      setFollow(true);
    }
  }, [phase]);

  const jump = () => {
    followRef.current = true;
    setFollow(true);
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  return (
    <div className="printf-wrap">
      {skipped > 0 ? (
        <div className="notice" data-testid="printf-skipped">
          {formatNumber(skipped)} lines skipped (in the recording)
        </div>
      ) : null}
      <div className="printf-log scroll" ref={scroller} onScroll={onScroll} data-testid="printf-log">
        {lines.length === 0 ? (
          <div className="empty">{phase === 'idle' ? 'printf() output appears here.' : 'No output yet.'}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const line = lines[v.index];
              return (
                <div
                  key={line.n}
                  className="printf-line"
                  data-testid="printf-line"
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${v.start}px)` }}
                >
                  <span className="printf-n">{line.n}</span>
                  <span className="printf-t">{formatOffset(line.t)}</span>
                  <span className="printf-text">{line.text}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      {!follow && lines.length > 0 ? (
        <button className="follow-button" onClick={jump} data-testid="follow-tail">
          ↓ Follow output
        </button>
      ) : null}
    </div>
  );
}
