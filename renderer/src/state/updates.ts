// The one subscription to the contract's `session` event: each update goes to every store
// that follows a run, in a fixed order (the session store first, so the flame store sees
// the run the session store has just adopted). A store never subscribes on its own.
import type { KscopeClient, SessionUpdate } from '../../../electron/api/index.js';
import { useFlames } from './flame.js';
import { useSession } from './session.js';

/** Route one live update to the stores. */
export function routeUpdate(u: SessionUpdate): void {
  useSession.getState().applyUpdate(u);
  useFlames.getState().apply(u, useSession.getState().sessionId);
}

/** Subscribe the stores to a client's updates; returns the unsubscribe. */
export function subscribeUpdates(client: Pick<KscopeClient, 'on'>): () => void {
  return client.on('session', routeUpdate);
}
