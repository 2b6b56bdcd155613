// The Electron app's wiring, with Electron passed in: one hardened window, every door
// handler installed (navigation, new windows, webviews, permissions, requests, CSP
// headers, IPC sender checks), the contract over IPC, runs stopped when the app quits.
// main.ts passes the real module; tests pass a fake one (no Electron binary needed).
import type { App, BrowserWindowConstructorOptions, IpcMain, IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import type { EventSources, KscopeImpl } from './api/index.js';
import { forwardEventsToWindow, registerIpc } from './transport/ipc.js';
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
}

export interface ShellDeps {
  createBackend(): BackendLike;
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

    const backend = deps.createBackend();
    const win = new electron.BrowserWindow(windowOptions(deps.preloadPath));
    registerIpc(ipcMain, backend.impl, (e: IpcMainInvokeEvent) => isTrustedSender(e, win, indexUrl), log);
    forwardEventsToWindow(win.webContents, backend.events);

    win.once('ready-to-show', () => win.show());
    void win.loadFile(deps.indexHtml);

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
