// A fake `electron` module for tests (the binary is not needed): it records every handler
// the app installs so a test can call them as Electron would.
import type { BrowserWindowConstructorOptions } from 'electron';

type Listener = (...args: never[]) => unknown;

export class FakeEvent {
  prevented = false;
  preventDefault(): void {
    this.prevented = true;
  }
}

export interface FakeContents {
  id: number;
  mainFrame: { url: string };
  listeners: Map<string, Listener[]>;
  windowOpenHandler?: (d: { url: string }) => { action: string };
  sent: unknown[][];
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void;
  on(event: string, l: Listener): FakeContents;
  emit(event: string, ...args: unknown[]): void;
  send(...args: unknown[]): void;
  isDestroyed(): boolean;
}

let nextId = 1;
export function fakeContents(url = ''): FakeContents {
  const c: FakeContents = {
    id: nextId++,
    mainFrame: { url },
    listeners: new Map(),
    sent: [],
    setWindowOpenHandler(h) {
      c.windowOpenHandler = h;
    },
    on(event, l) {
      c.listeners.set(event, [...(c.listeners.get(event) ?? []), l]);
      return c;
    },
    emit(event, ...args) {
      for (const l of c.listeners.get(event) ?? []) (l as (...a: unknown[]) => unknown)(...args);
    },
    send(...args) {
      c.sent.push(args);
    },
    isDestroyed: () => false,
  };
  return c;
}

export function fakeElectron() {
  const appListeners = new Map<string, Listener[]>();
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const calls = { enableSandbox: 0, exit: [] as number[], quit: 0, openExternal: [] as string[] };
  const emitApp = (event: string, ...args: unknown[]) => {
    for (const l of appListeners.get(event) ?? []) (l as (...a: unknown[]) => unknown)(...args);
  };
  const app = {
    enableSandbox: () => void calls.enableSandbox++,
    whenReady: () => readyPromise,
    on: (event: string, l: Listener) => {
      appListeners.set(event, [...(appListeners.get(event) ?? []), l]);
      return app;
    },
    exit: (code = 0) => void calls.exit.push(code),
    quit: () => void calls.quit++,
  };
  const windows: FakeWindow[] = [];
  class FakeWindow {
    webContents: FakeContents;
    shown = false;
    loaded: string | null = null;
    readyToShow: (() => void)[] = [];
    constructor(readonly options: BrowserWindowConstructorOptions) {
      this.webContents = fakeContents();
      windows.push(this);
      emitApp('web-contents-created', new FakeEvent(), this.webContents); // as Electron does
    }
    once(event: string, l: () => void) {
      if (event === 'ready-to-show') this.readyToShow.push(l);
      return this;
    }
    show() {
      this.shown = true;
    }
    async loadFile(file: string) {
      this.loaded = file;
      this.webContents.mainFrame.url = new URL(`file://${file}`).toString();
    }
  }
  const sessionHandlers: {
    permissionRequest?: (wc: unknown, permission: string, cb: (ok: boolean) => void, details?: unknown) => void;
    permissionCheck?: (wc: unknown, permission: string, origin?: string, details?: unknown) => boolean;
    devicePermission?: (details: unknown) => boolean;
    beforeRequest?: (details: { url: string }, cb: (r: { cancel?: boolean }) => void) => void;
    headersReceived?: (details: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void;
  } = {};
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof sessionHandlers.permissionRequest) => void (sessionHandlers.permissionRequest = h),
      setPermissionCheckHandler: (h: typeof sessionHandlers.permissionCheck) => void (sessionHandlers.permissionCheck = h),
      setDevicePermissionHandler: (h: typeof sessionHandlers.devicePermission) => void (sessionHandlers.devicePermission = h),
      webRequest: {
        onBeforeRequest: (h: typeof sessionHandlers.beforeRequest) => void (sessionHandlers.beforeRequest = h),
        onHeadersReceived: (h: typeof sessionHandlers.headersReceived) => void (sessionHandlers.headersReceived = h),
      },
    },
  };
  const ipcHandlers = new Map<string, (e: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: (ch: string, h: (e: unknown, ...args: unknown[]) => unknown) => {
      if (ipcHandlers.has(ch)) throw new Error(`Attempted to register a second handler for '${ch}'`); // as Electron does
      ipcHandlers.set(ch, h);
    },
    removeHandler: (ch: string) => void ipcHandlers.delete(ch),
  };
  const shell = { openExternal: async (url: string) => void calls.openExternal.push(url) };
  // A native message box: records what it was asked over which window; answers with the next
  // queued button index (Cancel, 0, when none is queued: what Esc gives).
  const dialogAnswers: number[] = [];
  const dialogCalls: { window: unknown; options: { message?: string; detail?: string; buttons?: string[]; type?: string } }[] = [];
  const dialog = {
    showMessageBox: async (window: unknown, options: { message?: string; detail?: string; buttons?: string[] }) => {
      dialogCalls.push({ window, options });
      return { response: dialogAnswers.shift() ?? 0, checkboxChecked: false };
    },
  };
  return {
    module: { app, BrowserWindow: FakeWindow, session, ipcMain, shell, dialog },
    dialogAnswers,
    dialogCalls,
    ready: async () => {
      ready();
      await readyPromise;
      await new Promise((r) => setTimeout(r, 0));
    },
    emitApp,
    appListeners,
    windows,
    sessionHandlers,
    ipcHandlers,
    calls,
  };
}

export type FakeElectron = ReturnType<typeof fakeElectron>;
