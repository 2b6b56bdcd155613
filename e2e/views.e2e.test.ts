// The live views in a real Chromium over the real host and the typed fake backend (no
// kernel, no root): lesson 5's histogram grows while the run goes; lesson 4's table shows
// per-second rates and a time series. journey.e2e.test.ts runs the real bpftrace.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, openApp, OUTPUT_DIR, type OpenApp } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping e2e views: ${skip}`);

async function runExample(page: Page, id: string, needle: string): Promise<void> {
  await page.selectOption('[data-testid="example-select"]', id);
  await expect.poll(() => page.locator('.view-lines').innerText()).toContain(needle);
  await page.click('[data-testid="run-button"]');
  await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 15_000 }).toMatch(/running/i);
}

async function stopRun(page: Page): Promise<void> {
  await page.click('[data-testid="stop-button"]').catch(() => {});
  await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 15_000 }).toMatch(/exited/i);
}

describe.skipIf(skip !== null)('live views', () => {
  let app: OpenApp;
  let page: Page;

  beforeAll(async () => {
    app = await openApp({ width: 1440, height: 900 }, '.monaco-editor', 'fake');
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lesson 5: a histogram appears and its bars change while running', async () => {
    await runExample(page, 'lesson-5', 'sys_exit_read');
    const chart = page.locator('[data-testid="hist-chart"]');
    const bars = page.locator('[data-testid="hist-bar"]');
    await expect.poll(() => bars.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await chart.count()).toBe(1);
    const snapshot = async () => {
      const counts = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
      const heights = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
      return { n: counts.length, total: counts.reduce((a, b) => a + b, 0), heights: heights.join(',') };
    };
    const first = await snapshot();
    expect(first.total).toBeGreaterThan(0);
    // Each snapshot of a running histogram has more samples than the last.
    await expect.poll(async () => (await snapshot()).total, { timeout: 15_000 }).toBeGreaterThan(first.total);
    const later = await snapshot();
    expect(later.n >= first.n).toBe(true);
    expect(await page.locator('[data-testid="hist-stats"]').first().innerText()).toMatch(/p50\s+\S+/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'views-histogram.png') });
    await stopRun(page);
  });

  it('lesson 4: rate cells show numbers and the series chart draws', async () => {
    await runExample(page, 'lesson-4', 'raw_syscalls:sys_enter');
    const rates = page.locator('[data-testid="rate-cell"]');
    await expect.poll(() => rates.count(), { timeout: 15_000 }).toBeGreaterThan(1);
    // the first snapshot has no rate ("—"); from the second on, numbers
    await expect
      .poll(async () => (await rates.allInnerTexts()).filter((t) => /^\d[\d,.]*[kM]?$/.test(t.trim())).length, { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="map-series"] .recharts-line').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="status-rate"]').innerText(), { timeout: 10_000 }).toMatch(/\/s$/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'views-counts.png') });
    await stopRun(page);
  });
});
