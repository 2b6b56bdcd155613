// The Electron app's wiring, with Electron passed in: one hardened window, every door
// handler installed (navigation, new windows, webviews, permissions, requests, CSP
// headers, IPC sender checks), the contract over IPC, runs stopped when the app quits.
// main.ts passes the real module; tests pass a fake one (no Electron binary needed).
import type { App, BrowserWindowConstructorOptions, IpcMain, IpcMainInvokeEvent, MessageBoxOptions, Session, WebContents } from 'electron';
import { consentQuestion, type ConsentAnswer, type UnsafeConsent, type UnsafeRequest } from '../node/engine/consent.js';
import { pathToFileURL } from 'node:url';
import type { EventSources, KscopeImpl } from '../common/contract/index.js';
import { forwardEventsToWindow, registerIpc } from './ipc.js';
import { contentSecurityPolicy, isOwnUrl, isTrustedSender, requestAllowed, withCsp, windowOptions } from './window-policy.js';

export interface BackendLike {
  impl: KscopeImpl;
  events: EventSources;
  shutdown(): Promise<void>;
}

type ContentsLike = Pick<WebContents, 'setWindowOpenHandler' | 'on' | 'send' | 'isDestroyed' | 'mainFrame'>;

export interface WindowLike {
  webContents: ContentsLike;
  once(event: 'ready-to-show', l: () => void): unknown;
  show(): void;
  loadFile(file: string): Promise<void>;
}

/** The part of the `electron` module the app uses. */
export interface ElectronLike {
  app: Pick<App, 'enableSandbox' | 'whenReady' | 'on' | 'exit' | 'quit'>;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => WindowLike;
  session: { defaultSession: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & { webRequest: Pick<Session['webRequest'], 'onHeadersReceived' | 'onBeforeRequest'> } };
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  shell: { openExternal(url: string): Promise<void> };
  dialog: { showMessageBox(window: WindowLike, options: MessageBoxOptions): Promise<{ response: number }> };
}

export interface ShellDeps {
  /** `consentToUnsafe` asks with a native dialog over our window (the page cannot answer it). */
  createBackend(opts: { consentToUnsafe: UnsafeConsent }): BackendLike;
  /** The built renderer's index.html and directory. */
  indexHtml: string;
  rendererDir: string;
  preloadPath: string;
  log?: (line: string) => void;
}

/** The CSP of the Electron renderer: it talks over IPC only, so nothing beyond 'self'. */
export const ELECTRON_CSP = contentSecurityPolicy([]);

/**
 * Doors of one webContents (every one created, not only our window's): no new windows
 * (an https link opens in the user's browser instead), no navigation or redirect away from
 * our page, no <webview>.
 */
export function hardenContents(contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>, indexUrl: string, openExternal: (url: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//i.test(url)) openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (e, url) => {
    if (!isOwnUrl(url, indexUrl)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!isOwnUrl(url, indexUrl)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

/** The buttons of the consent dialog: Cancel is the default and what Esc gives. */
export const CONSENT_BUTTONS = ['Cancel', 'Run with --unsafe'] as const;

/** A native dialog from the main process, modal on our window, for one run. */
export async function askUnsafeConsent(dialog: ElectronLike['dialog'], win: WindowLike, req: UnsafeRequest): Promise<ConsentAnswer> {
  const q = consentQuestion(req);
  const { response } = await dialog.showMessageBox(win, {
    type: 'warning',
    title: 'kscope: run with --unsafe?',
    message: q.message,
    detail: q.detail,
    buttons: [...CONSENT_BUTTONS],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  return response === 1 ? { ok: true } : { ok: false, message: 'the unsafe run was not allowed (declined in the dialog)' };
}

export function installApp(electron: ElectronLike, deps: ShellDeps): void {
  const { app, session, ipcMain, shell } = electron;
  const log = deps.log ?? ((l: string) => console.error(l));
  const indexUrl = pathToFileURL(deps.indexHtml).toString();
  const rendererUrl = pathToFileURL(deps.rendererDir).toString();
  const openExternal = (url: string) => void shell.openExternal(url).catch(() => {});

  app.enableSandbox();
  app.on('web-contents-created', (_e, contents) => hardenContents(contents, indexUrl, openExternal));

  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.setDevicePermissionHandler(() => false);
    // Our page loads only its own files; anything else (the network, other local files) is cancelled.
    ses.webRequest.onBeforeRequest((details, callback) => {
      const ok = requestAllowed(details.url, rendererUrl);
      if (!ok) log(`kscope: blocked a request from the renderer: ${details.url.slice(0, 200)}`);
      callback({ cancel: !ok });
    });
    // The CSP as a header too (the page also carries it in a meta tag).
    ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCsp(details.responseHeaders, ELECTRON_CSP) }));

    let win: WindowLike | null = null;
    const backend = deps.createBackend({ consentToUnsafe: (req) => (win ? askUnsafeConsent(electron.dialog, win, req) : Promise.resolve({ ok: false, message: 'no window to ask in' })) });
    win = new electron.BrowserWindow(windowOptions(deps.preloadPath));
    const w = win;
    registerIpc(ipcMain, backend.impl, (e: IpcMainInvokeEvent) => isTrustedSender(e, w, indexUrl), log);
    forwardEventsToWindow(w.webContents, backend.events);

    w.once('ready-to-show', () => w.show());
    void w.loadFile(deps.indexHtml);

    let quitting = false;
    app.on('before-quit', (e) => {
      if (quitting) return;
      e.preventDefault();
      quitting = true;
      void backend.shutdown().finally(() => app.exit(0));
    });
    app.on('window-all-closed', () => app.quit());
  });
}
