// Electron lifecycle: one hardened window, the contract over IPC, bpftrace runs stopped
// (and killed if need be) when the app quits. Thin: the logic lives in testable modules.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBackend } from './backend.js';
import { rendererDir } from './paths.js';
import { registerIpc, sendEvent } from './transport/ipc.js';
import { isOwnUrl, windowOptions } from './window-policy.js';

declare const __dirname: string;

app.enableSandbox();

app.whenReady().then(() => {
  const backend = createBackend();
  const indexHtml = path.join(rendererDir(), 'index.html');
  const indexUrl = pathToFileURL(indexHtml).toString();
  const win = new BrowserWindow(windowOptions(path.join(__dirname, 'preload.cjs')));

  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!isOwnUrl(url, indexUrl)) e.preventDefault();
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());

  registerIpc(ipcMain, backend.impl, (e) => e.sender === win.webContents && e.senderFrame === win.webContents.mainFrame && isOwnUrl(e.senderFrame.url, indexUrl), (l) => console.error(l));
  backend.onSessionUpdate((u) => sendEvent(win.webContents, 'session', u));

  win.once('ready-to-show', () => win.show());
  void win.loadFile(indexHtml);

  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    e.preventDefault();
    quitting = true;
    void backend.shutdown().finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => app.quit());
});
