// Both transports, end to end, give the renderer the same thing: an error reply becomes
// the same KscopeRpcError (class, code and message) through the Electron preload (real
// preload.ts over the fake electron module, IPC handlers installed by the real app shell)
// as through the real WebSocket host; events arrive the same way on both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { bridgeClient, channelClient, KscopeRpcError, methodNames, type KscopeBridge, type KscopeClient, type KscopeImpl, type SessionUpdate } from '../../common/contract/index.js';
import { installApp, type ElectronLike } from '../../electron-main/app-shell.js';
import { fakeElectron } from '../../test/support/fake-electron.js';
import { startHost, wsChannel, type Host } from '../serve/host.js';

// The renderer half of Electron: the real preload, wired to the main half's handlers.
const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: null as null | ((channel: string, params: unknown) => Promise<unknown>),
  on: new Map<string, ((...a: unknown[]) => void)[]>(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void h.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, params: unknown) => h.invoke!(channel, params),
    on: (ch: string, l: (...a: unknown[]) => void) => void h.on.set(ch, [...(h.on.get(ch) ?? []), l]),
    off: (ch: string, l: (...a: unknown[]) => void) => void h.on.set(ch, (h.on.get(ch) ?? []).filter((x) => x !== l)),
  },
}));

const status = { state: 'exited', startedAt: '2026-01-01T00:00:00Z', elapsedMs: 1, attachedProbes: null, events: 0, printfLines: 0, lostEvents: 0, exit: { code: 0, signal: null } } as const;
const update: SessionUpdate = { sessionId: 's1', seq: 7, status, flames: [], printf: [{ t: 1, text: 'héllo\n' }], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] };

// One implementation behind both transports: `stop` fails, `sessions` returns a result
// that breaks the contract, `version` works.
const impl = {
  ...Object.fromEntries(methodNames.map((n) => [n, () => { throw new Error(`${n} is not in this test`); }])),
  version: () => ({ kscope: '1', bpftrace: null, kernelRelease: 'k', node: '20', root: false }),
  stop: () => {
    throw new Error('no such session: s9');
  },
  sessions: () => [{ id: 42 }],
} as unknown as KscopeImpl;

const updateListeners = new Set<(u: SessionUpdate) => void>();
const events = { session: (l: (u: SessionUpdate) => void) => (updateListeners.add(l), () => void updateListeners.delete(l)) };

let host: Host;
let ws: WebSocket;
let rendererDir: string;
const clients: Record<'electron' | 'websocket', KscopeClient> = {} as never;

beforeAll(async () => {
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-sym-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>kscope</title>');

  // Electron: the app shell registers its IPC handlers on the fake ipcMain; the preload's
  // invoke reaches them as Electron would, from our window's main frame.
  const fake = fakeElectron();
  installApp(fake.module as unknown as ElectronLike, {
    createBackend: () => ({ impl, events, shutdown: async () => {} }),
    indexHtml: path.join(rendererDir, 'index.html'),
    rendererDir,
    preloadPath: '/nowhere/preload.cjs',
    log: () => {},
  });
  await fake.ready();
  const wc = fake.windows[0].webContents;
  h.invoke = async (channel, params) => fake.ipcHandlers.get(channel)!({ sender: wc, senderFrame: wc.mainFrame }, params);
  // What the main side sends on webContents reaches the preload's listeners.
  wc.send = (...args: unknown[]) => h.on.get(args[0] as string)?.forEach((l) => l({ sender: null }, ...args.slice(1)));
  await import('../../electron-preload/preload.js');
  clients.electron = bridgeClient(h.exposed.get('kscope') as KscopeBridge);

  // WebSocket: the real host on loopback.
  host = await startHost({ impl, events, rendererDir });
  ws = new WebSocket(host.wsUrl, { origin: `http://127.0.0.1:${host.port}` });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  clients.websocket = channelClient(wsChannel(ws as never));
});
afterAll(async () => {
  ws?.close();
  await host?.close();
  if (rendererDir) fs.rmSync(rendererDir, { recursive: true, force: true });
});

async function failure(client: KscopeClient, call: (c: KscopeClient) => Promise<unknown>): Promise<KscopeRpcError> {
  try {
    await call(client);
  } catch (e) {
    expect(e).toBeInstanceOf(KscopeRpcError);
    return e as KscopeRpcError;
  }
  throw new Error('the call did not fail');
}

describe('Electron IPC and the WebSocket host give the renderer the same thing', () => {
  const cases: [string, (c: KscopeClient) => Promise<unknown>, string, RegExp][] = [
    ['a method that fails', (c) => c.stop({ sessionId: 's9' }), 'failed', /no such session: s9/],
    ['a result that breaks the contract', (c) => c.sessions(), 'bad-result', /sessions: internal error/],
    ['params the contract refuses', (c) => c.run({ source: '' }), 'bad-params', /run: source/],
  ];
  it.each(cases)('%s: the same KscopeRpcError code and message', async (_what, call, code, message) => {
    const viaIpc = await failure(clients.electron, call);
    const viaWs = await failure(clients.websocket, call);
    expect(viaIpc.code).toBe(code);
    expect(viaIpc.message).toMatch(message);
    expect({ code: viaWs.code, message: viaWs.message, name: viaWs.name }).toEqual({ code: viaIpc.code, message: viaIpc.message, name: viaIpc.name });
  });

  it('a successful call returns the same result on both', async () => {
    expect(await clients.electron.version()).toEqual(await clients.websocket.version());
  });

  it('an event reaches both, validated, with the same payload', async () => {
    const got: Record<string, SessionUpdate[]> = { electron: [], websocket: [] };
    const offs = (['electron', 'websocket'] as const).map((k) => clients[k].on('session', (u) => got[k].push(u)));
    updateListeners.forEach((l) => l(update));
    await vi.waitFor(() => expect(got.websocket).toHaveLength(1));
    expect(got.electron).toEqual(got.websocket);
    expect(got.electron[0].printf[0].text).toBe('héllo\n');
    offs.forEach((off) => off());
  });

  it('a malformed envelope from the bridge is a bad-message error, not a crash or a success', async () => {
    const bridge = { ...(h.exposed.get('kscope') as KscopeBridge), version: async () => ({ result: 1 }) } as unknown as KscopeBridge;
    const e = await failure(bridgeClient(bridge), (c) => c.version());
    expect(e.code).toBe('bad-message');
  });
});
