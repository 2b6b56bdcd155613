// The preload against a fake `electron` module: window.kscope is exactly one function per
// contract method plus onEvent, each calling its own IPC channel; the renderer never gets
// ipcRenderer or the IPC event object.
import { describe, expect, it, vi } from 'vitest';
import { methodNames } from '../common/contract/index.js';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL } from '../electron-main/ipc.js';

const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  listeners: new Map<string, ((...a: unknown[]) => void)[]>(),
  reply: { ok: true, result: 42 } as unknown,
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void h.exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => (h.invoked.push(args), h.reply),
    on: (ch: string, l: (...a: unknown[]) => void) => void h.listeners.set(ch, [...(h.listeners.get(ch) ?? []), l]),
    off: (ch: string, l: (...a: unknown[]) => void) => void h.listeners.set(ch, (h.listeners.get(ch) ?? []).filter((x) => x !== l)),
  },
}));

describe('preload', () => {
  it('exposes exactly one function per contract method, plus onEvent, and nothing else', async () => {
    await import('./preload.js');
    expect([...h.exposed.keys()]).toEqual(['kscope']);
    const api = h.exposed.get('kscope') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'onEvent'].sort());
    for (const k of Object.keys(api)) expect(typeof api[k], k).toBe('function');
  });

  it('calls each method on its own channel and returns the reply envelope untouched', async () => {
    await import('./preload.js');
    const api = h.exposed.get('kscope') as Record<string, (p?: unknown) => Promise<unknown>>;
    for (const m of methodNames) {
      h.invoked.length = 0;
      h.reply = { ok: true, result: m };
      expect(await api[m]({ x: 1 })).toEqual({ ok: true, result: m });
      expect(h.invoked).toEqual([[IPC_CALL_PREFIX + m, { x: 1 }]]);
    }
    // An error reply is not thrown here (a thrown Error crosses contextBridge without its
    // code): the renderer's bridgeClient makes the KscopeRpcError from the envelope.
    h.reply = { ok: false, error: { code: 'bad-params', message: 'nope' } };
    expect(await api.run({})).toEqual({ ok: false, error: { code: 'bad-params', message: 'nope' } });
  });

  it('bundles small, without zod: it imports only the contract names', async () => {
    const { build } = await import('esbuild');
    // The options of scripts/build.mjs for dist/electron/preload.cjs.
    const out = await build({ entryPoints: ['electron-preload/preload.ts'], bundle: true, write: false, platform: 'browser', format: 'cjs', target: 'node20', external: ['electron'], logLevel: 'silent', metafile: true });
    const bytes = out.outputFiles[0].contents.byteLength;
    expect(bytes).toBeLessThan(20 * 1024);
    expect(Object.keys(out.metafile.inputs).sort()).toEqual(['common/contract/names.ts', 'electron-preload/preload.ts']);
  });

  it('delivers events without the IPC event object, and unsubscribes', async () => {
    await import('./preload.js');
    const api = h.exposed.get('kscope') as { onEvent: (l: (...a: unknown[]) => void) => () => void };
    const got: unknown[][] = [];
    const off = api.onEvent((...a) => got.push(a));
    const ipcEvent = { sender: { send: () => {} }, ports: [] };
    h.listeners.get(IPC_EVENT_CHANNEL)!.forEach((l) => l(ipcEvent, 'session', { seq: 1 }));
    expect(got).toEqual([['session', { seq: 1 }]]);
    off();
    expect(h.listeners.get(IPC_EVENT_CHANNEL)).toEqual([]);
  });
});
