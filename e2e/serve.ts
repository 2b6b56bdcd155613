// Start the real `kscope serve` (the built CLI), or the real host in-process over the typed
// fake backend (no kernel, no root), and Debian's Chromium for e2e tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startHost } from '../node/serve/host.js';
import { createFakeBackend } from '../test/support/fake-backend/fake-backend.js';

export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT_DIR = path.resolve('e2e/output');

/** Why e2e cannot run here, or null. */
export function e2eSkipReason(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
  return null;
}

export function ensureBuilt(): void {
  if (fs.existsSync('dist/electron/cli.cjs') && fs.existsSync('dist/renderer/index.html')) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

export interface Served {
  url: string;
  port: number;
  /** The `kscope serve` process (none for the fake backend, served in this process). */
  proc?: ChildProcess;
  /** $XDG_DATA_HOME of the server: recordings in kscope/recordings, exports in kscope/exports. */
  dataHome: string;
  stop(): Promise<void>;
}

export async function startServe(): Promise<Served> {
  ensureBuilt();
  const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-e2e-'));
  const proc = spawn(process.execPath, ['dist/electron/cli.cjs', 'serve'], { env: { ...process.env, XDG_DATA_HOME: dataHome }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`kscope serve printed no URL: ${out} ${stderr}`)), 20_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (c) => reject(new Error(`kscope serve exited (${c}): ${stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    dataHome,
    stop: async () => {
      proc.kill('SIGINT');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

/**
 * The real host, in this process, over the typed fake backend (test/support/fake-backend):
 * the built renderer, the real WebSocket, token and Origin checks, the real library; runs
 * simulated. For UI tests that do not need a kernel: they run without root.
 */
export async function startFakeServe(): Promise<Served> {
  ensureBuilt();
  const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-e2e-fake-'));
  const backend = createFakeBackend({ root: path.join(dataHome, 'kscope') });
  const host = await startHost({ impl: backend.impl, events: backend.events, rendererDir: path.resolve('dist/renderer'), exportsDir: backend.exportsDir ?? undefined });
  return {
    url: host.url,
    port: host.port,
    dataHome,
    stop: async () => {
      await host.close();
      await backend.shutdown();
      fs.rmSync(dataHome, { recursive: true, force: true });
    },
  };
}

export type Backend = 'real' | 'fake';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

export interface OpenApp {
  served: Served;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** `kscope serve` + Chromium + a page on the app, waiting for `readySelector`. */
export async function openApp(viewport: { width: number; height: number }, readySelector: string, backend: Backend = 'real'): Promise<OpenApp> {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const served = backend === 'fake' ? await startFakeServe() : await startServe();
  const browser = await launchChromium();
  // Playwright emulates a light system by default; the app follows it. Pages here are dark so
  // the README's screenshots match; e2e/theme.e2e.test.ts shoots and checks both themes.
  const page = await browser.newPage({ colorScheme: 'dark', viewport });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(served.url);
  await page.waitForSelector(readySelector, { timeout: 30_000 });
  return {
    served,
    browser,
    page,
    close: async () => {
      await browser.close();
      await served.stop();
    },
  };
}

/**
 * One app for a describe block: opened before its tests, closed after them, with the page's
 * errors collected (a suite ends by expecting none). Read `page` and `app` inside tests.
 */
export function appForSuite(viewport: { width: number; height: number }, readySelector = '.monaco-editor', backend: Backend = 'real'): { readonly app: OpenApp; readonly page: Page; readonly errors: string[] } {
  let app: OpenApp | undefined;
  const errors: string[] = [];
  beforeAll(async () => {
    app = await openApp(viewport, readySelector, backend);
    app.page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      return app!;
    },
    get page() {
      return app!.page;
    },
    errors,
  };
}

/**
 * Replace the editor's script with `text`, as a user would (select all, delete), inserted
 * whole so Monaco adds no auto-closed brackets.
 */
export async function setScript(page: Page, text: string): Promise<void> {
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
