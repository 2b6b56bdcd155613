// The flame graphs of the current run: the engine's FlameSnapshots by map name. Pure
// reducer + a thin zustand shell; fed by state/updates.ts (the one update subscription).
import { create } from 'zustand';
import type { FlameSnapshot, SessionUpdate } from '../../../common/contract/index.js';

export interface FlameData {
  sessionId: string | null;
  flames: Record<string, FlameSnapshot>;
  order: string[];
}

export const initialFlames: FlameData = { sessionId: null, flames: {}, order: [] };

/** Fold an update's flames in; a new session id starts over. `current` is the session store's run, when known. */
export function applyFlames(state: FlameData, u: Pick<SessionUpdate, 'sessionId' | 'flames'>, current: string | null): FlameData {
  if (current !== null && u.sessionId !== current) return state;
  const base = state.sessionId === u.sessionId ? state : { ...initialFlames, sessionId: u.sessionId };
  if (u.flames.length === 0) return base;
  const flames = { ...base.flames };
  const added: string[] = [];
  for (const f of u.flames) {
    if (!(f.name in flames)) added.push(f.name);
    flames[f.name] = f;
  }
  return { sessionId: u.sessionId, flames, order: added.length ? base.order.concat(added) : base.order };
}

/** A replay's state at t: its flames replace whatever was shown (keeping the order of names already shown). */
export function replaceFlames(state: FlameData, u: Pick<SessionUpdate, 'sessionId' | 'flames'>): FlameData {
  const flames: Record<string, FlameSnapshot> = {};
  for (const f of u.flames) flames[f.name] = f;
  const kept = state.order.filter((n) => n in flames);
  const added = Object.keys(flames).filter((n) => !kept.includes(n));
  return { sessionId: u.sessionId, flames, order: kept.concat(added) };
}

export interface FlameStore extends FlameData {
  apply(u: SessionUpdate, current: string | null): void;
  replace(u: SessionUpdate): void;
  reset(): void;
}

export const useFlames = create<FlameStore>()((set) => ({
  ...initialFlames,
  apply: (u, current) => set((s) => applyFlames(s, u, current)),
  replace: (u) => set((s) => replaceFlames(s, u)),
  reset: () => set(() => ({ ...initialFlames })),
}));
