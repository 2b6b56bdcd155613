// The connection to the kscope host as a store, not module globals: the client (null
// while not connected) and the unsubscribe of its one update subscription. actions.ts
// sets it; getClient() and the features read it.
import { create } from 'zustand';
import type { KscopeClient } from '../../../common/contract/index.js';

export interface ConnectionState {
  client: KscopeClient | null;
  /** Ends the update subscription of `client`. */
  offUpdates: (() => void) | null;
  /** The first connection attempt (React may run mount effects twice in development). */
  started: Promise<void> | null;
  set(p: Partial<Omit<ConnectionState, 'set'>>): void;
}

export const useConnection = create<ConnectionState>()((set) => ({
  client: null,
  offUpdates: null,
  started: null,
  set: (p) => set(p),
}));
