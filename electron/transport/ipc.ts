// The contract over Electron IPC: one ipcMain handler per method, generated from the list,
// each checking that the call comes from our own window's main frame. Electron is only a
// type here, so this is tested with a fake ipcMain.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { methodNames, type EventName, type EventPayload, type KscopeImpl } from '../api/index.js';
import { events } from '../api/index.js';
import { createDispatch } from './dispatch.js';

export const IPC_CALL_PREFIX = 'kscope:call:';
export const IPC_EVENT_CHANNEL = 'kscope:event';

export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, impl: KscopeImpl, isTrustedSender: (e: IpcMainInvokeEvent) => boolean, log: (l: string) => void = () => {}): () => void {
  const dispatch = createDispatch(impl, log);
  for (const name of methodNames) {
    ipcMain.handle(IPC_CALL_PREFIX + name, async (e, params: unknown) => {
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
