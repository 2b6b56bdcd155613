// The session store: what the current run has produced so far. The reducers are pure
// (state in, state out) so they are unit-tested without a DOM; the store is a thin shell.
import { create } from 'zustand';
import type {
  AggregateEvent,
  ErrorEvent,
  MapEvent,
  SessionStatus,
  SessionUpdate,
  ValueEvent,
  WarningEvent,
} from '../../../common/contract/index.js';
import { eventRate, History } from './history.js';

/** The printf window kept in memory; older lines stay in the recording. */
export const PRINTF_WINDOW = 5000;
/** printed values (print(x)) kept in memory. */
export const VALUES_WINDOW = 200;

export type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'exited';

export interface PrintfLine {
  /** 1-based number of the line in the whole run (skipped lines included). */
  n: number;
  t: number;
  text: string;
}

export interface SessionData {
  sessionId: string | null;
  recordingPath: string | null;
  phase: Phase;
  status: SessionStatus | null;
  /** performance.now()-like clock of the last status received (for a ticking elapsed time). */
  statusAt: number;
  lastSeq: number;
  printf: PrintfLine[];
  /** Lines seen in the run, skipped ones included (numbering of the next line). */
  printfSeen: number;
  printfSkipped: number;
  maps: Record<string, AggregateEvent>;
  /** Map names in order of first appearance. */
  mapOrder: string[];
  /**
   * Maps the script prints itself (a print marked `by: 'script'` was seen): their values are
   * per tick, often cleared, so no rate is computed from them, not even from the exit dump.
   */
  scriptMaps: string[];
  values: ValueEvent[];
  errors: ErrorEvent[];
  warnings: WarningEvent[];
  /** A run or stop call that failed (bpftrace missing, two runs refused, ...). */
  runError: string | null;
  /** Counting maps' per-key history (rates, series); a new value when it changes, and `historyVersion` bumps. */
  history: History;
  historyVersion: number;
  /** events/s over the last second or so of updates; null until known. */
  eventsRate: number | null;
  /** The status the rate is measured from. */
  rateBase: { events: number; elapsedMs: number } | null;
  /** Stack maps the engine folds into flame graphs: not shown as tables. */
  flameNames: string[];
  /** Set while the views show a recording (a replay at time t), not a live run. */
  replay: { id: string; t: number } | null;
}

export const initialSession: SessionData = {
  sessionId: null,
  recordingPath: null,
  phase: 'idle',
  status: null,
  statusAt: 0,
  lastSeq: -1,
  printf: [],
  printfSeen: 0,
  printfSkipped: 0,
  maps: {},
  mapOrder: [],
  scriptMaps: [],
  values: [],
  errors: [],
  warnings: [],
  runError: null,
  history: new History(),
  historyVersion: 0,
  eventsRate: null,
  rateBase: null,
  flameNames: [],
  replay: null,
};

/** Measure the event rate over at least this long (single frames are too noisy). */
const RATE_WINDOW_MS = 1000;

/** A new run was asked for: everything of the previous run is dropped. */
export function startRun(_state: SessionData): SessionData {
  return { ...initialSession, history: new History(), phase: 'starting' };
}

/** The run call answered with the session id. */
export function runStarted(state: SessionData, sessionId: string, recordingPath: string | null): SessionData {
  if (state.sessionId !== null && state.sessionId !== sessionId) return state;
  return { ...state, sessionId, recordingPath };
}

/** The run call failed: no session, the message goes to Problems. */
export function runFailed(state: SessionData, message: string): SessionData {
  return { ...state, phase: state.sessionId ? state.phase : 'idle', runError: message };
}

export function stopRequested(state: SessionData): SessionData {
  if (state.phase !== 'running' && state.phase !== 'starting') return state;
  return { ...state, phase: 'stopping' };
}

function phaseOf(status: SessionStatus): Phase {
  return status.state;
}

/** Apply a status that came back from somewhere (an update or the stop call). */
export function applyStatus(state: SessionData, status: SessionStatus, now = 0): SessionData {
  // Never go back from exited (a late reply must not revive the run).
  if (state.phase === 'exited') return { ...state, status: state.status ?? status };
  let phase = phaseOf(status);
  // The user asked to stop: stay "stopping" until the engine says exited.
  if (state.phase === 'stopping' && phase === 'running') phase = 'stopping';
  return { ...state, status, statusAt: now, phase };
}

/** A map of numbers only (a count, sum, min, max...): its history gives rates and series. */
function isCounting(m: AggregateEvent): m is MapEvent {
  return m.type === 'map' && m.entries.length > 0 && m.entries.every((e) => typeof e.value === 'number');
}

function appendBounded<T>(list: T[], add: T[], max: number): T[] {
  if (add.length === 0) return list;
  if (add.length >= max) return add.slice(add.length - max);
  const joined = list.concat(add);
  return joined.length > max ? joined.slice(joined.length - max) : joined;
}

/**
 * Fold one coalesced update into the state. Updates of another session are ignored;
 * while a run is starting and its id is not known yet (the run reply may arrive after the
 * first update), the first update adopts its session. Out-of-order or repeated updates (seq not increasing)
 * are ignored.
 */
export function applyUpdate(state: SessionData, update: SessionUpdate, now = 0): SessionData {
  if (state.sessionId !== null && update.sessionId !== state.sessionId) return state;
  // Only a window that asked for a run adopts a session it has not heard of yet.
  if (state.sessionId === null && state.phase !== 'starting') return state;
  if (state.sessionId === update.sessionId && update.seq <= state.lastSeq) return state;

  let next: SessionData = { ...state, sessionId: update.sessionId, lastSeq: update.seq };
  next = applyStatus(next, update.status, now);

  const skipped = Math.max(0, update.printfSkipped);
  if (update.printf.length > 0 || skipped > 0) {
    const first = state.printfSeen + skipped + 1;
    const lines = update.printf.map((l, i) => ({ n: first + i, t: l.t, text: l.text }));
    next.printf = appendBounded(state.printf, lines, PRINTF_WINDOW);
    next.printfSeen = state.printfSeen + skipped + update.printf.length;
    next.printfSkipped = state.printfSkipped + skipped;
  }

  if (update.maps.length > 0) {
    const maps = { ...state.maps };
    const added: string[] = [];
    for (const m of update.maps) {
      if (!(m.name in maps)) added.push(m.name);
      maps[m.name] = m;
    }
    next.maps = maps;
    if (added.length > 0) next.mapOrder = state.mapOrder.concat(added);
    const scripted = update.maps.filter((m) => m.by === 'script' && !state.scriptMaps.includes(m.name)).map((m) => m.name);
    if (scripted.length > 0) next.scriptMaps = [...state.scriptMaps, ...new Set(scripted)];
  }
  if (update.maps.length > 0) {
    let history = state.history;
    for (const m of update.maps) if (isCounting(m)) history = history.recorded(m.name, m.t, m.entries);
    if (history !== state.history) {
      next.history = history;
      next.historyVersion = state.historyVersion + 1;
    }
  }
  const flames = update.flames ?? [];
  if (flames.length > 0) {
    const known = new Set(state.flameNames);
    const added = flames.map((f) => f.name).filter((n) => !known.has(n));
    if (added.length > 0) next.flameNames = state.flameNames.concat([...new Set(added)]);
  }
  const cur = { events: shownEvents(update.status), elapsedMs: update.status.elapsedMs };
  if (!state.rateBase) next.rateBase = cur;
  else if (cur.elapsedMs - state.rateBase.elapsedMs >= RATE_WINDOW_MS) {
    next.eventsRate = eventRate(state.rateBase, cur);
    next.rateBase = cur;
  }
  if (update.values.length > 0) next.values = appendBounded(state.values, update.values, VALUES_WINDOW);
  if (update.errors.length > 0) next.errors = state.errors.concat(update.errors);
  if (update.warnings.length > 0) next.warnings = state.warnings.concat(update.warnings);
  return next;
}

/** The events the status bar counts: the probes' output (a host that predates the count: every decoded event). */
export function shownEvents(status: { events: number; outputEvents?: number }): number {
  return status.outputEvents ?? status.events;
}

/**
 * Show a recording as it was at time t. `recordingAt` answers with the whole state at t
 * (every map as last printed, the newest printf lines), so the views are replaced, not
 * appended to; printf lines keep their numbers in the recording. Counting maps get a fresh
 * history from `earlier` snapshots (the recording's counting maps at times before t, as far
 * as they are known) and this one: rates and series as they were at t.
 */
export function applyReplay(
  _state: SessionData,
  update: SessionUpdate,
  replay: { id: string; t: number },
  earlier: readonly { t: number; maps: readonly MapEvent[] }[] = [],
): SessionData {
  let history = new History();
  for (const snap of earlier) {
    if (snap.t >= replay.t) continue;
    for (const m of snap.maps) history = history.recorded(m.name, m.t, m.entries);
  }
  for (const m of update.maps) if (isCounting(m)) history = history.recorded(m.name, m.t, m.entries);
  const historyVersion = history.maps.size > 0 ? 1 : 0;
  const before = Math.max(0, update.printfSkipped);
  const printf = update.printf.slice(-PRINTF_WINDOW).map((l, i, all) => ({ n: before + update.printf.length - all.length + i + 1, t: l.t, text: l.text }));
  const maps: Record<string, AggregateEvent> = {};
  for (const m of update.maps) maps[m.name] = m;
  return {
    ...initialSession,
    phase: 'exited',
    status: update.status,
    lastSeq: update.seq,
    printf,
    printfSeen: before + update.printf.length,
    maps,
    mapOrder: update.maps.map((m) => m.name),
    values: update.values.slice(-VALUES_WINDOW),
    errors: update.errors,
    warnings: update.warnings,
    history,
    historyVersion,
    flameNames: [...new Set((update.flames ?? []).map((f) => f.name))],
    replay,
  };
}

export interface SessionStore extends SessionData {
  startRun(): void;
  runStarted(sessionId: string, recordingPath: string | null): void;
  runFailed(message: string): void;
  stopRequested(): void;
  applyStatus(status: SessionStatus): void;
  applyUpdate(update: SessionUpdate): void;
  /** Several updates in one store change (one render). */
  applyUpdates(updates: readonly SessionUpdate[]): void;
  applyReplay(update: SessionUpdate, replay: { id: string; t: number }, earlier?: readonly { t: number; maps: readonly MapEvent[] }[]): void;
  reset(): void;
}

const clock = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export const useSession = create<SessionStore>()((set) => ({
  ...initialSession,
  startRun: () => set((s) => startRun(s)),
  runStarted: (id, path) => set((s) => runStarted(s, id, path)),
  runFailed: (message) => set((s) => runFailed(s, message)),
  stopRequested: () => set((s) => stopRequested(s)),
  applyStatus: (status) => set((s) => applyStatus(s, status, clock())),
  applyUpdate: (update) => set((s) => applyUpdate(s, update, clock())),
  applyUpdates: (updates) =>
    set((s) => {
      const now = clock();
      let next: SessionData = s;
      for (const u of updates) next = applyUpdate(next, u, now);
      return next;
    }),
  applyReplay: (update, replay, earlier) => set((s) => applyReplay(s, update, replay, earlier)),
  reset: () => set(() => ({ ...initialSession, history: new History() })),
}));

/** Elapsed time shown in the status bar: the engine's value, ticking locally while running. */
export function elapsedNow(s: Pick<SessionData, 'status' | 'statusAt' | 'phase'>, now: number): number {
  if (!s.status) return 0;
  const live = s.phase === 'running' || s.phase === 'stopping' || s.phase === 'starting';
  return s.status.elapsedMs + (live ? Math.max(0, now - s.statusAt) : 0);
}

export function isActive(phase: Phase): boolean {
  return phase === 'starting' || phase === 'running' || phase === 'stopping';
}
