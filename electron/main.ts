// Electron entry: the real `electron` module handed to the app's wiring (app-shell.ts, where
// every door is installed and which is tested with a fake module).
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { installApp } from './app-shell.js';
import { createBackend } from './backend.js';
import { rendererDir } from './paths.js';

declare const __dirname: string;

installApp({ app, BrowserWindow, ipcMain, session, shell }, {
  createBackend,
  indexHtml: path.join(rendererDir(), 'index.html'),
  rendererDir: rendererDir(),
  preloadPath: path.join(__dirname, 'preload.cjs'),
});
