// The Electron app's doors, exercised against a fake `electron` module: every handler is
// installed and denies what it must, and IPC answers only our window's main frame.
import { beforeEach, describe, expect, it } from 'vitest';
import { methodNames, type KscopeImpl, type SessionUpdate } from '../common/contract/index.js';
import { ELECTRON_CSP, installApp, type ElectronLike } from './app-shell.js';
import { fakeContents, fakeElectron, FakeEvent, type FakeElectron } from '../test/support/fake-electron.js';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL } from './ipc.js';

const RENDERER = '/opt/kscope/resources/app.asar/dist/renderer';
const INDEX = `${RENDERER}/index.html`;
const INDEX_URL = `file://${INDEX}`;

let fake: FakeElectron;
let reached: string[];
let updates: ((u: SessionUpdate) => void)[];
let shutdowns: number;

beforeEach(async () => {
  fake = fakeElectron();
  reached = [];
  updates = [];
  shutdowns = 0;
  const impl = Object.fromEntries(methodNames.map((n) => [n, () => (reached.push(n), { kscope: '1', bpftrace: null, kernelRelease: 'k', node: '20', root: false })])) as unknown as KscopeImpl;
  installApp(fake.module as unknown as ElectronLike, {
    createBackend: () => ({ impl, events: { session: (l) => (updates.push(l), () => {}) }, shutdown: async () => void shutdowns++ }),
    indexHtml: INDEX,
    rendererDir: RENDERER,
    preloadPath: '/opt/kscope/resources/app.asar/dist/electron/preload.cjs',
    log: () => {},
  });
});

describe('before the app is ready', () => {
  it('enables the sandbox for every renderer and hardens every webContents created', () => {
    expect(fake.calls.enableSandbox).toBe(1);
    expect(fake.appListeners.get('web-contents-created')).toHaveLength(1);
    expect(fake.windows).toHaveLength(0);
  });
});

describe('the window and its webContents', () => {
  beforeEach(async () => fake.ready());

  it('opens one hardened window on our page with our preload', () => {
    expect(fake.windows).toHaveLength(1);
    const w = fake.windows[0];
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, preload: '/opt/kscope/resources/app.asar/dist/electron/preload.cjs' });
    expect(w.loaded).toBe(INDEX);
    expect(w.shown).toBe(false);
    w.readyToShow.forEach((l) => l());
    expect(w.shown).toBe(true);
  });

  it('denies window.open; an https link goes to the user browser, nothing else does', () => {
    const open = fake.windows[0].webContents.windowOpenHandler!;
    for (const url of ['https://bpftrace.org/docs', 'http://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', INDEX_URL, 'about:blank']) expect(open({ url })).toEqual({ action: 'deny' });
    expect(fake.calls.openExternal).toEqual(['https://bpftrace.org/docs']);
  });

  it('prevents navigation and redirects away from our page', () => {
    const wc = fake.windows[0].webContents;
    for (const ev of ['will-navigate', 'will-redirect']) {
      for (const url of ['https://evil.example/', 'file:///etc/passwd', `file://${RENDERER}/../../x.html`, 'data:text/html,<script>1</script>']) {
        const e = new FakeEvent();
        wc.emit(ev, e, url);
        expect(e.prevented, `${ev} ${url}`).toBe(true);
      }
      const own = new FakeEvent();
      wc.emit(ev, own, `${INDEX_URL}#token=x`);
      expect(own.prevented).toBe(false);
    }
  });

  it('prevents <webview>, also in webContents the app did not create itself', () => {
    const stray = fakeContents();
    fake.emitApp('web-contents-created', new FakeEvent(), stray);
    const e = new FakeEvent();
    stray.emit('will-attach-webview', e, {}, {});
    expect(e.prevented).toBe(true);
    expect(stray.windowOpenHandler!({ url: 'https://x.example/' })).toEqual({ action: 'deny' });
    const nav = new FakeEvent();
    stray.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.prevented).toBe(true);
  });
});

describe('the session', () => {
  beforeEach(async () => fake.ready());

  it('denies every permission request and check', () => {
    const { permissionRequest, permissionCheck, devicePermission } = fake.sessionHandlers;
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'midiSysex', 'pointerLock', 'hid', 'serial', 'usb']) {
      let answer: boolean | undefined;
      permissionRequest!(fake.windows[0].webContents, p, (ok) => (answer = ok));
      expect(answer, p).toBe(false);
      expect(permissionCheck!(fake.windows[0].webContents, p, INDEX_URL), p).toBe(false);
    }
    expect(devicePermission!({ deviceType: 'usb' })).toBe(false);
  });

  it('cancels requests for anything but our own files', () => {
    const verdict = (url: string) => {
      let cancel: boolean | undefined;
      fake.sessionHandlers.beforeRequest!({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(verdict(INDEX_URL)).toBe(false);
    expect(verdict(`file://${RENDERER}/assets/editor.worker-x.js`)).toBe(false);
    expect(verdict('data:font/ttf;base64,AAAA')).toBe(false);
    expect(verdict('blob:file:///3f1e')).toBe(false);
    for (const bad of ['https://evil.example/x.js', 'http://127.0.0.1:8080/', 'ws://127.0.0.1:1/api', 'file:///etc/passwd', `file://${RENDERER}/../../../secret`, `file://${RENDERER}/%2e%2e/x`, `file://${RENDERER}x/evil.js`, 'file://remote-host/share/x', 'chrome://gpu', 'not a url']) expect(verdict(bad), bad).toBe(true);
  });

  it('sets the strict CSP on every response, replacing any other', () => {
    let headers: Record<string, string[]> | undefined;
    fake.sessionHandlers.headersReceived!({ url: INDEX_URL, responseHeaders: { 'content-security-policy': ["script-src * 'unsafe-eval'"], 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [ELECTRON_CSP] });
    expect(ELECTRON_CSP).toContain("script-src 'self';");
    expect(ELECTRON_CSP).not.toMatch(/unsafe-eval|unsafe-inline'[^;]*;\s*style/);
  });
});

describe('IPC', () => {
  beforeEach(async () => fake.ready());

  it('has one handler per contract method, and nothing else', () => {
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(methodNames.map((n) => IPC_CALL_PREFIX + n).sort());
  });

  it('answers our main frame', async () => {
    const wc = fake.windows[0].webContents;
    const reply = await fake.ipcHandlers.get(IPC_CALL_PREFIX + 'version')!({ sender: wc, senderFrame: wc.mainFrame }, undefined);
    expect(reply).toMatchObject({ ok: true, result: { kscope: '1' } });
    expect(reached).toEqual(['version']);
  });

  it('refuses another webContents, a subframe, and our frame once it left our page', async () => {
    const wc = fake.windows[0].webContents;
    const other = fakeContents(INDEX_URL);
    const run = fake.ipcHandlers.get(IPC_CALL_PREFIX + 'run')!;
    const params = { source: 'BEGIN { exit(); }' };
    for (const e of [
      { sender: other, senderFrame: other.mainFrame },
      { sender: wc, senderFrame: { url: INDEX_URL } }, // an iframe of ours showing our page
      { sender: wc, senderFrame: null }, // a frame already gone
      { sender: other, senderFrame: wc.mainFrame },
    ]) {
      expect(await run(e, params)).toMatchObject({ ok: false, error: { message: /not from the kscope window/ } });
    }
    wc.mainFrame.url = 'https://evil.example/';
    expect(await run({ sender: wc, senderFrame: wc.mainFrame }, params)).toMatchObject({ ok: false });
    expect(reached).toEqual([]);
  });

  it('pushes session updates to the window, validated', () => {
    const u: SessionUpdate = { sessionId: 's', seq: 1, status: { state: 'running', startedAt: 'x', elapsedMs: 1, attachedProbes: null, events: 0, printfLines: 0, lostEvents: 0, exit: null }, flames: [], printf: [], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] };
    updates.forEach((l) => l(u));
    updates.forEach((l) => l({ ...u, seq: 'bad' } as never));
    expect(fake.windows[0].webContents.sent).toEqual([[IPC_EVENT_CHANNEL, 'session', u]]);
  });
});

describe('quitting', () => {
  beforeEach(async () => fake.ready());

  it('stops the runs before exiting', async () => {
    const e = new FakeEvent();
    fake.emitApp('before-quit', e);
    expect(e.prevented).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(shutdowns).toBe(1);
    expect(fake.calls.exit).toEqual([0]);
    const again = new FakeEvent();
    fake.emitApp('before-quit', again);
    expect(again.prevented).toBe(false);
    fake.emitApp('window-all-closed');
    expect(fake.calls.quit).toBe(1);
  });
});
