// Electron entry: the real `electron` module handed to the app's wiring (app-shell.ts, where
// every door is installed and which is tested with a fake module).
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { installApp } from './app-shell.js';
import { createBackend } from '../node/backend.js';
import { rendererDir } from '../node/paths.js';

declare const __dirname: string;

// The consent dialog is modal on our window (the only window installApp makes).
const modalDialog = { showMessageBox: (win: unknown, options: Electron.MessageBoxOptions) => dialog.showMessageBox(win as BrowserWindow, options) };

installApp({ app, BrowserWindow, ipcMain, session, shell, dialog: modalDialog }, {
  createBackend: (opts) => createBackend(opts),
  indexHtml: path.join(rendererDir(), 'index.html'),
  rendererDir: rendererDir(),
  preloadPath: path.join(__dirname, 'preload.cjs'),
});
