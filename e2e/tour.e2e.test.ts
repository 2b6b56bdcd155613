// The README's tour of the explorer, at 1,280 and 1,920 px, in Chromium over the real
// `kscope serve` and bpftrace: a live CPU profile (user-space samples drawn as [user space])
// maximized, the run options generated from a script's $1…$N, the probe search with what
// cannot run folded, and a map table filtered with its chart. Each view is checked, then
// kept as e2e/output/tour-*-WIDTH.png (docs/screenshots/ holds the ones the README shows).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, launchChromium, OUTPUT_DIR, startServe, type Served, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: real bpftrace runs' : null);
if (skip) console.warn(`skipping tour e2e: ${skip}`);

const state = (page: Page) => page.locator('[data-testid="status-state"]').innerText();

describe.skipIf(skip !== null)('tour', () => {
  let served: Served;
  let browser: Browser;
  beforeAll(async () => {
    served = await startServe();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  for (const width of [1280, 1920]) {
    it(`at ${width} px`, async () => {
      const page = await browser.newPage({ colorScheme: 'dark', viewport: { width, height: width === 1280 ? 800 : 1080 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(served.url);
      await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
      await page.locator('[data-testid="probe-tree"]').waitFor({ timeout: 30_000 });
      const shot = (name: string) => page.screenshot({ path: path.join(OUTPUT_DIR, `tour-${name}-${width}.png`) });

      // Probe search: runnable first, the rest folded under why.
      await page.fill('[data-testid="probe-search"]', 'openat');
      await page.locator('[data-testid="probe-fold"]').waitFor({ timeout: 15_000 });
      await shot('probe-search');
      await page.fill('[data-testid="probe-search"]', '');

      // A map table with its chart, filtered.
      await setScript(page, 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }\n');
      await page.click('[data-testid="run-options-button"]');
      await page.fill('[data-testid="run-duration"]', '4');
      await page.click('[data-testid="run-options-button"]');
      await page.click('[data-testid="run-button"]');
      await expect.poll(() => state(page), { timeout: 20_000 }).toMatch(/exited/i);
      await page.locator('[data-testid="map-filter"]').fill('b');
      await expect.poll(() => page.locator('[data-testid="map-row"]').count()).toBeGreaterThan(0);
      await shot('map-filter');

      // A CPU profile: [user space] drawn, the flame graph maximized.
      await setScript(page, 'profile:hz:99 { @cpu[kstack] = count(); }\n');
      await page.click('[data-testid="run-options-button"]');
      await page.fill('[data-testid="run-duration"]', '3');
      await page.click('[data-testid="run-options-button"]');
      await page.click('[data-testid="run-button"]');
      await expect.poll(() => state(page), { timeout: 20_000 }).toMatch(/exited/i);
      await expect.poll(() => page.locator('[data-testid="flame-graph"] g.frame', { hasText: '[user space]' }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await shot('profile');
      await page.click('[data-testid="maximize-flame"]');
      expect((await page.locator('[data-pane="flame"]').boundingBox())!.width).toBe(width);
      await shot('flame-maximized');
      await page.click('[data-testid="maximize-flame"]');

      // Run options generated from $1..$N.
      await page.click('[data-testid="run-options-button"]');
      await page.click('[data-testid="run-options-clear"]');
      await page.click('[data-testid="run-options-button"]');
      await setScript(page, 'uprobe:/bin/bash:readline /pid == $1/ { printf("%s read a line\\n", str($2)); }\n');
      await page.click('[data-testid="run-options-button"]');
      await page.fill('[data-testid="run-arg-1"]', '4242');
      await shot('run-options');
      expect(await page.locator('[data-testid^="run-arg-"]').count()).toBe(2);
      await page.click('[data-testid="run-options-clear"]');
      await page.click('[data-testid="run-options-button"]');
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
