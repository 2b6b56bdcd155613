// The one subscription to the contract's `session` event: each update goes to every store
// that follows a run, in a fixed order (the session store first, so the flame store sees
// the run the session store has just adopted). A store never subscribes on its own.
import type { KscopeClient, SessionUpdate } from '../../../common/contract/index.js';
import { useFlames } from './flame.js';
import { useSession } from './session.js';
import { updateBatcher } from './update-batch.js';

/** Route one live update to the stores. */
export function routeUpdate(u: SessionUpdate): void {
  useSession.getState().applyUpdate(u);
  useFlames.getState().apply(u, useSession.getState().sessionId);
}

/**
 * Subscribe the stores to a client's updates; returns the unsubscribe. Updates are batched
 * per animation frame (update-batch.ts): each is routed in order, and React renders the
 * stores' changes of one frame once. After each frame's batch the client says `ready`
 * (where its transport has flow control): the server then sends one merged update per
 * frame the page has drawn, never more than it can draw (node/transport/update-pacer.ts).
 */
export function subscribeUpdates(client: Pick<KscopeClient, 'on' | 'ready'>, opts: { frame?: (cb: () => void) => unknown } = {}): () => void {
  const batch = updateBatcher<SessionUpdate>((us) => {
    for (const u of us) routeUpdate(u);
    client.ready?.();
  }, opts);
  const off = client.on('session', (u) => batch.push(u));
  client.ready?.();
  return () => {
    batch.flush();
    off();
  };
}
