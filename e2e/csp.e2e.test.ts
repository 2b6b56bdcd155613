// The served renderer under its strict CSP in a real Chromium: the whole app (Monaco and its
// worker included) loads with no CSP violation, and inline script and eval are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { e2eSkipReason, launchChromium, startServe, type Served } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping CSP e2e: ${skip}`);

describe.skipIf(skip !== null)('the served page under its CSP', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  const consoleCsp: string[] = [];
  let workers: string[] = [];

  beforeAll(async () => {
    served = await startServe();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) consoleCsp.push(m.text());
    });
    await page.addInitScript(() => {
      const w = globalThis as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(served.url);
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
    // Monaco starts its editor worker on demand; start it the way Monaco does (MonacoEnvironment.getWorker).
    await page.evaluate(() => (globalThis as unknown as { MonacoEnvironment: { getWorker: (id: string, label: string) => Worker } }).MonacoEnvironment.getWorker('probe', 'editorWorkerService'));
    for (let i = 0; i < 100 && !page.workers().some((w) => /editor\.worker/.test(w.url())); i++) await new Promise((r) => setTimeout(r, 100));
    workers = page.workers().map((w) => w.url());
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('sends the CSP header with the page', async () => {
    const r = await page.request.get(served.url.replace(/#.*/, ''));
    expect(r.headers()['content-security-policy']).toMatch(/script-src 'self';/);
  });

  it('loads the app, Monaco and its worker with no violation', async () => {
    expect(workers.some((u) => /editor\.worker/.test(u))).toBe(true);
    // zod probes whether eval works (try { Function('') }) and falls back when refused: the
    // one violation expected, and the proof that eval is off. Nothing else is blocked.
    const violations = await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp);
    expect(violations.filter((v) => v !== 'script-src eval')).toEqual([]);
    expect(consoleCsp.filter((m) => !/unsafe-eval/.test(m))).toEqual([]);
  });

  it('refuses an injected inline script', async () => {
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = '(globalThis).__inline = 1';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
      return (globalThis as unknown as { __inline?: number }).__inline ?? null;
    });
    expect(ran).toBeNull();
    expect(await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp.some((v) => /script-src/.test(v)))).toBe(true);
  });

  it('refuses a script from elsewhere', async () => {
    await page.evaluate(async () => {
      const s = document.createElement('script');
      s.src = 'http://127.0.0.2:9/x.js';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp.some((v) => /127\.0\.0\.2/.test(v)))).toBe(true);
  });
});
