// The bottom bar: run state, attached probes, elapsed time, events, lost events, exit.
import { useEffect, useState } from 'react';
import { elapsedNow, isActive, shownEvents, useSession } from '../state/session.js';
import { OUTPUT_EVENTS_MEANING } from '../../../common/bpftrace/output-events.js';

const ALL_EVENTS_MEANING = "Every line bpftrace printed: printf lines, map prints (kscope's snapshots included), bpftrace's messages. This host does not tell the probes' output apart.";
import { useUi } from '../state/ui.js';
import { formatDuration, formatNumber } from './format.js';
import { formatRate } from './map-rows.js';

/**
 * The clock for a ticking elapsed time: a new value every `ms` while active, except when a
 * status arrived within the last `ms` (live updates re-render the bar already; a tick then
 * would only add a frame of its own for a click to wait behind).
 */
function useTick(active: boolean, ms: number): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => {
      const t = performance.now();
      if (t - useSession.getState().statusAt >= ms) setNow(t);
    }, ms);
    return () => clearInterval(id);
  }, [active, ms]);
  return active ? now : performance.now();
}

export function StatusBar() {
  const phase = useSession((s) => s.phase);
  const status = useSession((s) => s.status);
  const statusAt = useSession((s) => s.statusAt);
  const sessionId = useSession((s) => s.sessionId);
  const bpftrace = useUi((s) => s.bpftrace);
  const now = useTick(isActive(phase), 100);
  const elapsed = elapsedNow({ status, statusAt, phase }, now);
  const lost = status?.lostEvents ?? 0;
  const exit = status?.exit ?? null;
  const exitText = exit
    ? exit.signal
      ? `signal ${exit.signal}`
      : `exit ${exit.code ?? '?'}`
    : null;
  const eventsRate = useSession((s) => s.eventsRate);
  const rate = phase === 'exited' && status && status.elapsedMs > 0 ? (shownEvents(status) * 1000) / status.elapsedMs : eventsRate;
  const rateText = rate === null || !status ? '–' : `${formatRate(rate)}/s`;
  const exitBad = exit !== null && exit.signal === null && exit.code !== null && exit.code !== 0;
  const replay = useSession((s) => s.replay);
  // An older host reports every line bpftrace printed, not the probes' output alone: say so.
  const counted = status?.outputEvents !== undefined;
  const shownPhase = replay ? 'replay' : phase;

  return (
    <footer className={`status-bar state-${shownPhase}`} data-testid="status-bar">
      <span className="status-item status-state-wrap">
        <span className={`dot dot-${shownPhase}`} />
        <span data-testid="status-state" style={replay ? { textTransform: 'none' } : undefined}>
          {replay ? `Replay · at ${(replay.t / 1000).toFixed(1)} s` : phase}
        </span>
      </span>
      <span className="status-item" title="probes attached by bpftrace">
        <span className="status-label">probes</span>
        <span data-testid="status-probes">{status?.attachedProbes ?? '–'}</span>
      </span>
      <span className="status-item" title="elapsed time">
        <span className="status-label">elapsed</span>
        <span data-testid="status-elapsed" className="mono">
          {status ? formatDuration(elapsed) : '–'}
        </span>
      </span>
      <span className="status-item" title={counted ? OUTPUT_EVENTS_MEANING : ALL_EVENTS_MEANING} data-testid="status-events-item">
        <span className="status-label">events</span>
        <span data-testid="status-events" className="mono">
          {status ? formatNumber(shownEvents(status)) : '–'}
        </span>
        <span className="status-label status-what" data-testid="status-events-what">
          {!status ? '' : counted ? 'printf · print' : 'all lines'}
        </span>
      </span>
      <span className="status-item" title={`Those events per second (over the last second; the run's average once it ended). ${counted ? OUTPUT_EVENTS_MEANING : ALL_EVENTS_MEANING}`}>
        <span className="status-label">rate</span>
        <span data-testid="status-rate" className="mono">
          {rateText}
        </span>
      </span>
      <span className={`status-item${lost > 0 ? ' status-lost' : ''}`} title="events lost by the kernel ring buffer">
        <span className="status-label">lost</span>
        <span data-testid="status-lost" className="mono">
          {status ? formatNumber(lost) : '–'}
        </span>
      </span>
      {phase === 'stopping' && status?.stopping ? (
        <span className="status-item status-stopping" data-testid="status-stopping" title="bpftrace prints its maps after SIGINT; kscope waits while it works">
          {status.stopping.message}
        </span>
      ) : null}
      {exitText ? (
        <span className={`status-item${exitBad ? ' status-bad' : ''}`} data-testid="status-exit">
          {exitText}
        </span>
      ) : null}
      {exit?.result && exit.result !== 'final' ? (
        <span
          className="status-item status-bad"
          data-testid="status-result"
          title={exit.forced ? 'Stopped by force: the maps without a final print show their last snapshot' : 'bpftrace did not finish its final print: the maps without one show their last snapshot'}
        >
          {exit.result === 'partial' ? 'result: partly the last snapshot' : 'result: the last snapshot'}
        </span>
      ) : null}
      <span className="status-spacer" />
      {sessionId ? (
        <span className="status-item status-dim" title="session id">
          {sessionId}
        </span>
      ) : null}
      {bpftrace ? <span className="status-item status-dim">{bpftrace}</span> : null}
    </footer>
  );
}
