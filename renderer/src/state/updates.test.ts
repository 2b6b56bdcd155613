// One subscription feeds every store that follows a run.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KscopeClient, SessionUpdate } from '../../../common/contract/index.js';
import { useFlames } from './flame.js';
import { useSession } from './session.js';
import { LIVE_UPDATE_INTERVAL_MS, LIVE_UPDATE_MAX_INTERVAL_MS, readyInterval, readyPacer, subscribeUpdates } from './updates.js';

const update = (over: Partial<SessionUpdate> = {}): SessionUpdate => ({
  sessionId: 's1',
  seq: 0,
  status: { state: 'running', startedAt: '2025-01-01T00:00:00.000Z', elapsedMs: 10, attachedProbes: 1, events: 3, printfLines: 1, lostEvents: 0, exit: null },
  flames: [{ name: '@stacks', t: 1, snapshot: true, total: 4, stacks: 1, keyParts: ['kstack'], minFraction: 0, nodes: 1, prunedNodes: 0, atKeyLimit: false, tree: { n: 'all', v: 4 } }],
  printf: [{ t: 1, text: 'hi' }],
  printfSkipped: 0,
  maps: [],
  values: [],
  errors: [],
  warnings: [],
  ...over,
});

function fakeClient() {
  const listeners = new Map<string, Set<(p: SessionUpdate) => void>>();
  return {
    listeners,
    on(event: 'session', l: (p: SessionUpdate) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(l);
      return () => void listeners.get(event)!.delete(l);
    },
    emit(u: SessionUpdate) {
      listeners.get('session')?.forEach((l) => l(u));
    },
  };
}

/** Frames come at once here, so each update is routed as it arrives. */
const now = (cb: () => void) => cb();

beforeEach(() => {
  useSession.getState().reset();
  useFlames.getState().reset();
});

describe('the update subscription', () => {
  it('is one listener that feeds the session and flame stores, and unsubscribes', () => {
    const c = fakeClient();
    useSession.getState().startRun();
    const off = subscribeUpdates(c as unknown as Pick<KscopeClient, 'on'>, { frame: now });
    expect(c.listeners.get('session')!.size).toBe(1);
    c.emit(update());
    // The session store adopted the run; the flame store followed the same run.
    expect(useSession.getState().sessionId).toBe('s1');
    expect(useSession.getState().printf.map((l) => l.text)).toEqual(['hi']);
    expect(useFlames.getState().sessionId).toBe('s1');
    expect(useFlames.getState().order).toEqual(['@stacks']);
    off();
    expect(c.listeners.get('session')!.size).toBe(0);
  });

  it("drops another run's update in both stores", () => {
    const c = fakeClient();
    useSession.getState().startRun();
    subscribeUpdates(c as unknown as Pick<KscopeClient, 'on'>, { frame: now });
    c.emit(update());
    c.emit(update({ sessionId: 'other', seq: 1, printf: [{ t: 2, text: 'not ours' }] }));
    expect(useSession.getState().printf.map((l) => l.text)).toEqual(['hi']);
    expect(useFlames.getState().sessionId).toBe('s1');
  });
});

describe('flow control: ready after each drawn batch, at most once per interval', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says ready on subscribing and after each batch, never twice within the interval, and never loses the last one', () => {
    vi.useFakeTimers();
    const c = fakeClient();
    let readies = 0;
    useSession.getState().startRun();
    const off = subscribeUpdates({ on: c.on, ready: () => readies++ } as unknown as Pick<KscopeClient, 'on' | 'ready'>, { frame: now, readyIntervalMs: 50, now: () => Date.now() });
    expect(readies).toBe(1);
    c.emit(update({ seq: 0 }));
    c.emit(update({ seq: 1, printf: [{ t: 2, text: 'two' }] }));
    // Both applied at once (frames come at once here), the ready held back until 50 ms after the first.
    expect(useSession.getState().printf.map((l) => l.text)).toEqual(['hi', 'two']);
    vi.advanceTimersByTime(0);
    expect(readies).toBe(1);
    vi.advanceTimersByTime(49);
    expect(readies).toBe(1);
    vi.advanceTimersByTime(1);
    expect(readies).toBe(2);
    vi.advanceTimersByTime(500);
    expect(readies).toBe(2); // nothing new drawn: no ready
    c.emit(update({ seq: 2 }));
    vi.advanceTimersByTime(0);
    expect(readies).toBe(3); // the interval has passed: after the frame, at once
    off();
  });

  it('readyPacer: a request inside the interval fires at its end; cancel drops it', () => {
    let t = 0;
    const sent: number[] = [];
    vi.useFakeTimers();
    const p = readyPacer(() => sent.push(t), 100, () => t);
    p.request();
    t = 30;
    p.request();
    p.request();
    expect(sent).toEqual([0]);
    t = 100;
    vi.advanceTimersByTime(70);
    expect(sent).toEqual([0, 100]);
    t = 150;
    p.request();
    p.cancel();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([0, 100]);
  });
});

describe('readyInterval', () => {
  it('is 50 ms for cheap frames, three times a slow frame, and never slower than 4 Hz', () => {
    expect(readyInterval(0)).toBe(LIVE_UPDATE_INTERVAL_MS);
    expect(readyInterval(10)).toBe(50);
    expect(readyInterval(40)).toBe(120);
    expect(readyInterval(5000)).toBe(LIVE_UPDATE_MAX_INTERVAL_MS);
  });

  it('paces a live subscription by what its last batch cost', () => {
    vi.useFakeTimers();
    let t = 0;
    const c = fakeClient();
    const sent: number[] = [];
    useSession.getState().startRun();
    // The batch's frame costs 40 ms of this clock: the next ready comes 3 × 40 = 120 ms after the last.
    const off = subscribeUpdates({ on: c.on, ready: () => sent.push(t) } as unknown as Pick<KscopeClient, 'on' | 'ready'>, { frame: now, now: () => t });
    expect(sent).toEqual([0]);
    c.emit(update({ seq: 0 }));
    t = 40;
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([0]);
    t = 119;
    vi.advanceTimersByTime(79);
    expect(sent).toEqual([0]);
    t = 120;
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([0, 120]);
    off();
    vi.useRealTimers();
  });
});
