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
export function subscribeUpdates(
  client: Pick<KscopeClient, 'on' | 'ready'>,
  opts: { frame?: (cb: () => void) => unknown; readyIntervalMs?: number; now?: () => number } = {},
): () => void {
  const now = opts.now ?? (() => performance.now());
  let cost = 0;
  const ready = readyPacer(() => client.ready?.(), () => opts.readyIntervalMs ?? readyInterval(cost), now);
  const batch = updateBatcher<SessionUpdate>((us) => {
    const t0 = now();
    for (const u of us) routeUpdate(u);
    // The batch is applied in an animation frame; React renders it in a microtask and the
    // browser lays out and paints it in that frame, so the first task after it sees the
    // frame's whole cost (and how long this machine made us wait for a core).
    setTimeout(() => {
      cost = now() - t0;
      ready.request();
    }, 0);
  }, opts);
  const off = client.on('session', (u) => batch.push(u));
  ready.request();
  return () => {
    ready.cancel();
    batch.flush();
    off();
  };
}

/**
 * How often a live run redraws, at most: 20 times a second (fewer when drawing is slow:
 * readyInterval). A flood's log scrolls faster
 * than anyone reads at any rate; each redraw is a parse, a render, style, layout and paint
 * that a click would wait behind, so fewer of them keep clicks quick. Counts stay exact:
 * the server merges what arrives in between (update-merge.ts).
 */
export const LIVE_UPDATE_INTERVAL_MS = 50;
/** The slowest a live run redraws (a machine short of CPU): 4 times a second. */
export const LIVE_UPDATE_MAX_INTERVAL_MS = 250;

/**
 * The interval before the next `ready`, from what the last drawn batch cost (apply, render,
 * layout, paint, in wall time): the page spends at most a third of its time drawing live
 * updates, so input always finds the main thread free most of the time.
 */
export function readyInterval(lastCostMs: number): number {
  return Math.min(LIVE_UPDATE_MAX_INTERVAL_MS, Math.max(LIVE_UPDATE_INTERVAL_MS, 3 * lastCostMs));
}

/** Say `ready` at most once per interval (the last request is never lost, only delayed). */
export function readyPacer(send: () => void, interval: number | (() => number), now: () => number = () => performance.now()) {
  const intervalMs = typeof interval === 'number' ? () => interval : interval;
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    timer = null;
    last = now();
    send();
  };
  return {
    request() {
      if (timer) return;
      const wait = last + intervalMs() - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
