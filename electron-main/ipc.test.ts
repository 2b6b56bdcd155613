import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { methodNames, type KscopeImpl } from '../common/contract/index.js';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL, registerIpc, sendEvent } from './ipc.js';

type Handler = (e: IpcMainInvokeEvent, params: unknown) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (ch: string, h: Handler) => void handlers.set(ch, h),
    removeHandler: (ch: string) => void handlers.delete(ch),
  };
}

const impl = {
  version: () => ({ kscope: '1', bpftrace: null, kernelRelease: 'k', node: '20', root: false }),
  capabilities: () => ({ entries: {} }),
  examples: () => [],
  run: () => {
    throw new Error('should not be reached');
  },
  stop: () => {
    throw new Error('x');
  },
  sessions: () => [],
} as unknown as KscopeImpl;

const ours = { ours: true } as unknown as IpcMainInvokeEvent;
const foreign = { ours: false } as unknown as IpcMainInvokeEvent;

describe('Electron IPC generated from the contract', () => {
  it('registers one handler per method and removes them all', () => {
    const ipc = fakeIpcMain();
    const off = registerIpc(ipc as never, impl, () => true);
    expect([...ipc.handlers.keys()].sort()).toEqual(methodNames.map((n) => IPC_CALL_PREFIX + n).sort());
    off();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers our frame and refuses a foreign one', async () => {
    const ipc = fakeIpcMain();
    registerIpc(ipc as never, impl, (e) => (e as unknown as { ours: boolean }).ours);
    const h = ipc.handlers.get(IPC_CALL_PREFIX + 'version')!;
    expect(await h(ours, undefined)).toMatchObject({ ok: true, result: { kscope: '1' } });
    expect(await h(foreign, undefined)).toMatchObject({ ok: false, error: { message: /not from the kscope window/ } });
  });

  it('validates params from the renderer', async () => {
    const ipc = fakeIpcMain();
    registerIpc(ipc as never, impl, () => true);
    const reply = await ipc.handlers.get(IPC_CALL_PREFIX + 'run')!(ours, { source: '' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-params' } });
  });

  it('sends only valid events', () => {
    const sent: unknown[][] = [];
    const wc = { send: (...a: unknown[]) => sent.push(a), isDestroyed: () => false };
    expect(sendEvent(wc as never, 'session', { nope: 1 } as never)).toBe(false);
    expect(sent).toEqual([]);
    const u = { sessionId: 's', seq: 1, status: { state: 'exited', startedAt: 'x', elapsedMs: 1, attachedProbes: null, events: 0, printfLines: 0, lostEvents: 0, exit: { code: 0, signal: null } }, printf: [], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] } as const;
    expect(sendEvent(wc as never, 'session', u as never)).toBe(true);
    expect(sent[0][0]).toBe(IPC_EVENT_CHANNEL);
  });
});
