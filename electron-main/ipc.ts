// The contract over Electron IPC: one ipcMain handler per method, generated from the list,
// each checking that the call comes from our own window's main frame. Electron is only a
// type here, so this is tested with a fake ipcMain.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { events, forwardEvents, IPC_CALL_PREFIX, IPC_EVENT_CHANNEL, methodNames, type BridgeReply, type EventName, type EventPayload, type EventSources, type KscopeImpl } from '../common/contract/index.js';
import { createDispatch } from '../node/transport/dispatch.js';

export { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL };

export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, impl: KscopeImpl, isTrustedSender: (e: IpcMainInvokeEvent) => boolean, log: (l: string) => void = () => {}): () => void {
  const dispatch = createDispatch(impl, log);
  for (const name of methodNames) {
    ipcMain.handle(IPC_CALL_PREFIX + name, async (e, params: unknown): Promise<BridgeReply> => {
      if (!isTrustedSender(e)) {
        log(`kscope: refused IPC ${name} from an untrusted frame`);
        return { ok: false, error: { code: 'bad-message', message: 'refused: not from the kscope window' } };
      }
      return dispatch(name, params);
    });
  }
  return () => methodNames.forEach((n) => ipcMain.removeHandler(IPC_CALL_PREFIX + n));
}

export function sendEvent<E extends EventName>(wc: Pick<WebContents, 'send' | 'isDestroyed'>, event: E, payload: EventPayload<E>): boolean {
  if (wc.isDestroyed()) return false;
  const r = events[event].safeParse(payload);
  if (!r.success) return false;
  wc.send(IPC_EVENT_CHANNEL, event, r.data);
  return true;
}

/** Every contract event to one window, iterated from the contract. Returns the unsubscribe. */
export function forwardEventsToWindow(wc: Pick<WebContents, 'send' | 'isDestroyed'>, sources: EventSources): () => void {
  return forwardEvents(sources, (event, payload) => void sendEvent(wc, event, payload));
}
