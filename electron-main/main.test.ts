// main.ts itself, against a fake `electron` module (vi.mock): importing it wires the app
// through installApp with the real module's place taken by the fake.
import { describe, expect, it, vi } from 'vitest';
import { methodNames } from '../common/contract/index.js';
import { IPC_CALL_PREFIX } from './ipc.js';

const fake = vi.hoisted(() => ({ current: null as null | ReturnType<typeof import('../test/support/fake-electron.js').fakeElectron> }));

vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('../test/support/fake-electron.js');
  fake.current = make();
  return fake.current.module;
});
vi.mock('../node/backend.js', () => ({
  createBackend: () => ({ impl: {}, events: { session: () => () => {} }, shutdown: async () => {} }),
}));
vi.mock('../node/paths.js', () => ({ rendererDir: () => '/opt/kscope/dist/renderer' }));

describe('main.ts', () => {
  it('installs every door on the real module it imports', async () => {
    await import('./main.js');
    const f = fake.current!;
    expect(f).not.toBeNull();
    expect(f.calls.enableSandbox).toBe(1);
    await f.ready();
    expect(f.windows).toHaveLength(1);
    expect(f.windows[0].options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(String(f.windows[0].options.webPreferences!.preload)).toMatch(/preload\.cjs$/);
    expect(f.windows[0].loaded).toBe('/opt/kscope/dist/renderer/index.html');
    expect(f.sessionHandlers.permissionRequest).toBeTypeOf('function');
    expect(f.sessionHandlers.permissionCheck).toBeTypeOf('function');
    expect(f.sessionHandlers.beforeRequest).toBeTypeOf('function');
    expect(f.sessionHandlers.headersReceived).toBeTypeOf('function');
    expect(f.windows[0].webContents.windowOpenHandler).toBeTypeOf('function');
    expect([...f.ipcHandlers.keys()].sort()).toEqual(methodNames.map((n) => IPC_CALL_PREFIX + n).sort());
  });
});
