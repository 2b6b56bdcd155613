// Sandboxed preload: exposes window.kscope with one function per contract method, plus
// onEvent. Everything is validated again on the main side; results on the renderer side.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { methodNames } from './api/contract.js';

const IPC_CALL_PREFIX = 'kscope:call:';
const IPC_EVENT_CHANNEL = 'kscope:event';

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

const api: Record<string, unknown> = {};
for (const name of methodNames) {
  api[name] = async (params?: unknown) => {
    const reply = (await ipcRenderer.invoke(IPC_CALL_PREFIX + name, params)) as Reply;
    if (reply.ok) return reply.result;
    const err = new Error(reply.error.message);
    err.name = `KscopeRpcError:${reply.error.code}`;
    throw err;
  };
}
api.onEvent = (listener: (event: string, payload: unknown) => void) => {
  const h = (_e: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
  ipcRenderer.on(IPC_EVENT_CHANNEL, h);
  return () => ipcRenderer.off(IPC_EVENT_CHANNEL, h);
};
contextBridge.exposeInMainWorld('kscope', api);
