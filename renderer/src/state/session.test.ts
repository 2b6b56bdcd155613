import { describe, expect, it } from 'vitest';
import type { SessionStatus, SessionUpdate } from '../../../common/contract/index.js';
import {
  PRINTF_WINDOW,
  applyReplay,
  applyStatus,
  applyUpdate,
  elapsedNow,
  initialSession,
  runFailed,
  runStarted,
  startRun,
  stopRequested,
  type SessionData,
} from './session.js';

const status = (over: Partial<SessionStatus> = {}): SessionStatus => ({
  state: 'running',
  startedAt: '2025-01-01T00:00:00.000Z',
  elapsedMs: 1000,
  attachedProbes: 1,
  events: 10,
  printfLines: 0,
  lostEvents: 0,
  exit: null,
  ...over,
});

const update = (over: Partial<SessionUpdate> = {}): SessionUpdate => ({
  sessionId: 's1',
  seq: 0,
  status: status(),
  flames: [],
  printf: [],
  printfSkipped: 0,
  maps: [],
  values: [],
  errors: [],
  warnings: [],
  ...over,
});

const started = (): SessionData => runStarted(startRun(initialSession), 's1', '/tmp/s1.ndjson');

describe('session reducers', () => {
  it('a new run clears the previous one and starts', () => {
    const dirty: SessionData = { ...initialSession, phase: 'exited', errors: [{ type: 'error', t: 0, message: 'x' }], runError: 'boom' };
    const s = startRun(dirty);
    expect(s.phase).toBe('starting');
    expect(s.errors).toEqual([]);
    expect(s.runError).toBeNull();
    expect(s.sessionId).toBeNull();
  });

  it('applies status, printf, maps, errors and warnings of an update', () => {
    const s = applyUpdate(
      started(),
      update({
        printf: [
          { t: 5, text: 'a' },
          { t: 6, text: 'b' },
        ],
        maps: [{ type: 'map', t: 10, name: '@', snapshot: true, entries: [{ key: 'bash', value: 3 }] }],
        errors: [{ type: 'error', t: 1, message: 'bad', line: 2, column: 5, endColumn: 9 }],
        warnings: [{ type: 'warning', t: 1, message: 'meh' }],
        values: [{ type: 'value', t: 3, value: 42 }],
      }),
      500,
    );
    expect(s.phase).toBe('running');
    expect(s.statusAt).toBe(500);
    expect(s.printf.map((l) => [l.n, l.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(s.mapOrder).toEqual(['@']);
    expect(s.maps['@'].entries[0]).toEqual({ key: 'bash', value: 3 });
    expect(s.errors).toHaveLength(1);
    expect(s.warnings).toHaveLength(1);
    expect(s.values).toHaveLength(1);
  });

  it('keeps the latest map per name and the order of first appearance', () => {
    let s = applyUpdate(started(), update({ seq: 0, maps: [{ type: 'map', t: 1, name: '@a', snapshot: true, entries: [] }] }));
    s = applyUpdate(s, update({ seq: 1, maps: [{ type: 'hist', t: 2, name: '@b', snapshot: true, entries: [] }] }));
    s = applyUpdate(s, update({ seq: 2, maps: [{ type: 'map', t: 3, name: '@a', snapshot: true, entries: [{ key: 'x', value: 1 }] }] }));
    expect(s.mapOrder).toEqual(['@a', '@b']);
    expect(s.maps['@a'].t).toBe(3);
    expect(s.maps['@b'].type).toBe('hist');
  });

  it('remembers maps the script prints itself, through the exit dump (no rate from per-tick values)', () => {
    let s = applyUpdate(started(), update({ seq: 0, maps: [{ type: 'map', t: 1, name: '@', snapshot: true, by: 'script', entries: [{ key: 'a', value: 9 }] }] }));
    s = applyUpdate(s, update({ seq: 1, maps: [{ type: 'map', t: 2, name: '@t', snapshot: true, by: 'kscope', entries: [] }] }));
    s = applyUpdate(s, update({ seq: 2, maps: [{ type: 'map', t: 3, name: '@', snapshot: false, entries: [{ key: 'a', value: 2 }] }] }));
    expect(s.scriptMaps).toEqual(['@']);
    expect(s.maps['@'].by).toBeUndefined();
    expect(startRun(s).scriptMaps).toEqual([]);
  });

  it('bounds the printf window to the last lines and counts skipped lines', () => {
    let s = started();
    const many = Array.from({ length: PRINTF_WINDOW - 10 }, (_, i) => ({ t: i, text: `l${i + 1}` }));
    s = applyUpdate(s, update({ seq: 0, printf: many }));
    s = applyUpdate(s, update({ seq: 1, printfSkipped: 100, printf: Array.from({ length: 20 }, (_, i) => ({ t: i, text: `m${i}` })) }));
    expect(s.printf).toHaveLength(PRINTF_WINDOW);
    expect(s.printfSkipped).toBe(100);
    expect(s.printfSeen).toBe(PRINTF_WINDOW - 10 + 100 + 20);
    // numbering accounts for the skipped lines
    expect(s.printf[s.printf.length - 1]).toMatchObject({ n: PRINTF_WINDOW - 10 + 100 + 20, text: 'm19' });
    // the window starts 10 lines in (5010 kept lines, 5000 fit); skipped ones are not in it
    expect(s.printf[0]).toMatchObject({ n: 11, text: 'l11' });
    // an update bigger than the window keeps only its newest lines
    const huge = Array.from({ length: PRINTF_WINDOW + 5 }, (_, i) => ({ t: i, text: `h${i}` }));
    s = applyUpdate(s, update({ seq: 2, printf: huge }));
    expect(s.printf).toHaveLength(PRINTF_WINDOW);
    expect(s.printf[0].text).toBe('h5');
  });

  it('ignores updates of another session and stale sequence numbers', () => {
    const s = applyUpdate(started(), update({ seq: 3, printf: [{ t: 1, text: 'x' }] }));
    expect(applyUpdate(s, update({ sessionId: 'other', seq: 9, printf: [{ t: 1, text: 'y' }] }))).toBe(s);
    expect(applyUpdate(s, update({ seq: 3 }))).toBe(s);
    expect(applyUpdate(s, update({ seq: 2 }))).toBe(s);
  });

  it('adopts the session of the first update when the run reply has not arrived yet', () => {
    const s = applyUpdate(startRun(initialSession), update({ sessionId: 's9', seq: 0 }));
    expect(s.sessionId).toBe('s9');
    expect(runStarted(s, 's9', null).sessionId).toBe('s9');
    // a reply for another id does not override what the updates established
    expect(runStarted(s, 's10', null)).toBe(s);
  });

  it('an idle window ignores the sessions of other windows', () => {
    expect(applyUpdate(initialSession, update({ sessionId: 's9' }))).toBe(initialSession);
  });

  it('stays stopping until the engine says exited, and never revives an exited run', () => {
    let s = applyUpdate(started(), update({ seq: 0 }));
    s = stopRequested(s);
    expect(s.phase).toBe('stopping');
    s = applyUpdate(s, update({ seq: 1, status: status({ state: 'running' }) }));
    expect(s.phase).toBe('stopping');
    s = applyUpdate(s, update({ seq: 2, status: status({ state: 'exited', exit: { code: null, signal: 'SIGINT' } }) }));
    expect(s.phase).toBe('exited');
    expect(s.status?.exit?.signal).toBe('SIGINT');
    const late = applyStatus(s, status({ state: 'running' }));
    expect(late.phase).toBe('exited');
  });

  it('a failed run call goes back to idle with the message', () => {
    const s = runFailed(startRun(initialSession), 'bpftrace not found');
    expect(s.phase).toBe('idle');
    expect(s.runError).toBe('bpftrace not found');
  });

  it('elapsed time ticks locally only while the run is live', () => {
    const live = { status: status({ elapsedMs: 1000 }), statusAt: 100, phase: 'running' as const };
    expect(elapsedNow(live, 600)).toBe(1500);
    expect(elapsedNow({ ...live, phase: 'exited' }, 600)).toBe(1000);
    expect(elapsedNow({ status: null, statusAt: 0, phase: 'idle' }, 600)).toBe(0);
  });
});

describe('history, event rate and flame maps', () => {
  const mapEv = (t: number, entries: { key: string | null; value: unknown }[], name = '@') => ({ type: 'map' as const, t, name, entries, snapshot: true });

  it('records counting maps so the table can show rates; a map printed once has none', () => {
    let s = started();
    s = applyUpdate(s, update({ seq: 0, maps: [mapEv(1000, [{ key: 'bash', value: 10 }])] }));
    expect(s.history.get('@')!.rate('bash')).toBeNull();
    const v = s.historyVersion;
    s = applyUpdate(s, update({ seq: 1, maps: [mapEv(2000, [{ key: 'bash', value: 30 }])] }));
    expect(s.historyVersion).toBe(v + 1);
    expect(s.history.get('@')!.rate('bash')).toBe(20);
  });

  it('never mutates the state it is given (history included)', () => {
    // Everything a view can read of a state, history as rates and series.
    const seen = (x: SessionData) =>
      JSON.stringify({
        ...x,
        history: [...x.history.maps].map(([name, m]) => [name, [...m.keys()].map((k) => [k.key, m.series(k.key), m.rate(k.key)])]),
      });
    let s = started();
    s = applyUpdate(s, update({ seq: 0, maps: [mapEv(1000, [{ key: 'bash', value: 10 }, { key: 'sshd', value: 1 }])], printf: [{ t: 1, text: 'a' }] }));
    const before = seen(s);
    const next = applyUpdate(s, update({ seq: 1, maps: [mapEv(2000, [{ key: 'bash', value: 30 }, { key: 'vim', value: 2 }])], printf: [{ t: 2, text: 'b' }], errors: [{ type: 'error', t: 2, message: 'x' }] }));
    expect(seen(s)).toBe(before);
    expect(next.history).not.toBe(s.history);
    expect(next.history.get('@')!.rate('bash')).toBe(20);
    expect(s.history.get('@')!.rate('bash')).toBeNull();
    // A second update from the same old state (as React may replay a reducer) sees the same old state.
    const again = applyUpdate(s, update({ seq: 1, maps: [mapEv(3000, [{ key: 'bash', value: 50 }])] }));
    expect(seen(s)).toBe(before);
    expect(again.history.get('@')!.series('bash').map((p) => p.t)).toEqual([1000, 3000]);
    expect(next.history.get('@')!.series('bash').map((p) => p.t)).toEqual([1000, 2000]);
  });

  it('does not record maps of strings', () => {
    let s = started();
    s = applyUpdate(s, update({ seq: 0, maps: [mapEv(1000, [{ key: 'a', value: 'x' }], '@s')] }));
    expect(s.history.get('@s')).toBeUndefined();
  });

  it('a new run starts a new history', () => {
    let s = started();
    s = applyUpdate(s, update({ seq: 0, maps: [mapEv(1000, [{ key: 'bash', value: 10 }])] }));
    expect(startRun(s).history.get('@')).toBeUndefined();
  });

  it('measures events/s over about a second of updates', () => {
    let s = started();
    s = applyUpdate(s, update({ seq: 0, status: status({ events: 0, elapsedMs: 100 }) }));
    expect(s.eventsRate).toBeNull();
    s = applyUpdate(s, update({ seq: 1, status: status({ events: 50, elapsedMs: 600 }) }));
    expect(s.eventsRate).toBeNull();
    s = applyUpdate(s, update({ seq: 2, status: status({ events: 300, elapsedMs: 1100 }) }));
    expect(s.eventsRate).toBe(300);
  });

  it('remembers which maps are flame graphs', () => {
    let s = started();
    const flame = { name: '@stacks', t: 1, snapshot: true, total: 1, stacks: 1, keyParts: ['kstack' as const], minFraction: 0, nodes: 1, prunedNodes: 0, atKeyLimit: false, tree: { n: 'all', v: 1 } };
    s = applyUpdate(s, update({ seq: 0, flames: [flame] }));
    s = applyUpdate(s, update({ seq: 1, flames: [flame] }));
    expect(s.flameNames).toEqual(['@stacks']);
  });
});

describe('replay', () => {
  const counts = (t: number, bash: number) => ({ type: 'map' as const, t, name: '@', snapshot: true, entries: [{ key: 'bash', value: bash }] });

  it('replaces the views with the state at t, whatever was shown', () => {
    let s = applyUpdate(startRun(initialSession), update({ maps: [counts(1000, 5), { ...counts(1000, 1), name: '@other' }], printf: [{ t: 1, text: 'live' }] }));
    expect(s.mapOrder).toEqual(['@', '@other']);
    s = applyReplay(s, update({ sessionId: 'replay:r1', status: status({ state: 'exited', elapsedMs: 3000 }), maps: [counts(3000, 40)], printf: [{ t: 2900, text: 'l8' }, { t: 2950, text: 'l9' }], printfSkipped: 7 }), { id: 'r1', t: 3000 });
    expect(s.replay).toEqual({ id: 'r1', t: 3000 });
    expect(s.phase).toBe('exited');
    expect(s.sessionId).toBeNull(); // live updates and readLog are not for a replay
    expect(s.mapOrder).toEqual(['@']);
    expect((s.maps['@'].entries[0] as { value: unknown }).value).toBe(40);
    // printf lines keep their numbers in the recording: 7 earlier lines were not sent.
    expect(s.printf.map((l) => [l.n, l.text])).toEqual([
      [8, 'l8'],
      [9, 'l9'],
    ]);
    expect(s.printfSeen).toBe(9);
  });

  it('ignores live updates while replaying, and a new run drops the replay', () => {
    let s = applyReplay(initialSession, update({ maps: [counts(1000, 3)] }), { id: 'r1', t: 1000 });
    const after = applyUpdate(s, update({ sessionId: 's9', seq: 5, maps: [counts(9000, 99)] }));
    expect(after).toBe(s);
    s = startRun(s);
    expect(s.replay).toBeNull();
    expect(s.mapOrder).toEqual([]);
  });

  it('builds rates and series from the earlier snapshots it is given (not later ones)', () => {
    const earlier = [
      { t: 1000, maps: [counts(1000, 10)] },
      { t: 2000, maps: [counts(2000, 30)] },
      { t: 4000, maps: [counts(4000, 500)] },
    ];
    const s = applyReplay(initialSession, update({ maps: [counts(3000, 60)] }), { id: 'r1', t: 3000 }, earlier);
    const h = s.history.get('@')!;
    expect(h.series('bash').map((x) => x.t)).toEqual([1000, 2000, 3000]);
    // (60 - 30) over one second.
    expect(h.rate('bash')).toBe(30);
    const alone = applyReplay(initialSession, update({ maps: [counts(3000, 60)] }), { id: 'r1', t: 3000 });
    expect(alone.history.get('@')!.rate('bash')).toBeNull();
  });
});
