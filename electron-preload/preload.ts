// Sandboxed preload: exposes window.kscope with one function per contract method, plus
// onEvent. It imports only the zod-free names (the bundle stays a few KB) and hands each
// reply envelope to the renderer untouched: the renderer validates it and makes the same
// KscopeRpcError, code included, as over the WebSocket. The main side validates calls.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL, METHOD_NAMES } from '../common/contract/names.js';

const api: Record<string, unknown> = {};
for (const name of METHOD_NAMES) {
  api[name] = (params?: unknown) => ipcRenderer.invoke(IPC_CALL_PREFIX + name, params);
}
api.onEvent = (listener: (event: string, payload: unknown) => void) => {
  const h = (_e: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
  ipcRenderer.on(IPC_EVENT_CHANNEL, h);
  return () => ipcRenderer.off(IPC_EVENT_CHANNEL, h);
};
contextBridge.exposeInMainWorld('kscope', api);
