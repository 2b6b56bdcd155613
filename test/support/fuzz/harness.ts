// Shared by the fuzz tests: a spy implementation that counts every call that reaches it,
// and a fake Electron IPC (ipcMain + our window's frames) wired as main.ts wires it.
import type { IpcMainInvokeEvent } from 'electron';
import { methodNames, type KscopeImpl } from '../../../common/contract/index.js';
import { registerIpc } from '../../../electron-main/ipc.js';
import { isTrustedSender } from '../../../electron-main/window-policy.js';

/** Messages per method and per path (KSCOPE_FUZZ_RUNS to change; the issue asks ≥10k). */
export const RUNS = Number(process.env.KSCOPE_FUZZ_RUNS ?? 10_000);

/** Counts every call that reaches the implementation, per method. */
export function spyImpl() {
  const calls = new Map<string, number>();
  const impl = Object.fromEntries(
    methodNames.map((n) => [
      n,
      () => {
        calls.set(n, (calls.get(n) ?? 0) + 1);
        throw new Error('spy reached');
      },
    ]),
  ) as unknown as KscopeImpl;
  const total = () => [...calls.values()].reduce((a, b) => a + b, 0);
  return { impl, calls, total };
}

/** A fake Electron IPC: ipcMain with handlers by channel, and our window's frames. */
export function fakeIpc(impl: KscopeImpl) {
  const handlers = new Map<string, (e: IpcMainInvokeEvent, p: unknown) => Promise<unknown>>();
  const ipcMain = { handle: (ch: string, h: never) => void handlers.set(ch, h), removeHandler: (ch: string) => void handlers.delete(ch) };
  const indexUrl = 'file:///opt/kscope/resources/app.asar/dist/renderer/index.html';
  const mainFrame = { url: indexUrl };
  const ourContents = { id: 1, mainFrame };
  const win = { webContents: ourContents };
  registerIpc(ipcMain as never, impl, (e) => isTrustedSender(e, win, indexUrl));
  const ours = { sender: ourContents, senderFrame: mainFrame } as unknown as IpcMainInvokeEvent;
  return { handlers, ours, ourContents, mainFrame, indexUrl };
}

