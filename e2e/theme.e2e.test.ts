// The light theme and the charts' units, in Chromium over the real `kscope serve` and
// bpftrace: the theme follows prefers-color-scheme until the user picks one, the choice is
// remembered across a reload, Alt+Shift+T cycles it, Monaco follows; a run's histograms and
// series name their units (bytes, µs, events, s). Screenshots of both themes at 1,280 and
// 1,920 px go to e2e/output/theme-*-WIDTH.png (docs/screenshots/ keeps the README's).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, launchChromium, OUTPUT_DIR, startServe, type Served, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: real bpftrace runs' : null);
if (skip) console.warn(`skipping theme e2e: ${skip}`);

const state = (page: Page) => page.locator('[data-testid="status-state"]').innerText();
const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme ?? null);
const bodyBg = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const monacoDark = (page: Page) => page.locator('.monaco-editor').first().evaluate((el) => el.classList.contains('vs-dark'));

/** Click the theme button until it shows `choice` (it cycles system → light → dark). */
async function chooseTheme(page: Page, choice: 'system' | 'light' | 'dark'): Promise<void> {
  for (let i = 0; i < 3; i++) {
    if ((await page.locator('[data-testid="theme-button"]').getAttribute('data-choice')) === choice) return;
    await page.click('[data-testid="theme-button"]');
  }
  expect(await page.locator('[data-testid="theme-button"]').getAttribute('data-choice')).toBe(choice);
}
const choiceOf = (page: Page) => page.locator('[data-testid="theme-button"]').getAttribute('data-choice');

// Three maps, three units: read sizes in bytes, read latency in µs, syscalls counted.
// (One probe a line: Monaco indents typed text after a '{'.)
const SCRIPT = `// Read sizes (bytes), read latency (µs) and syscalls by process (events)
tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_read /@start[tid]/ { @bytes = hist(args->ret); @read_us = hist((nsecs - @start[tid]) / 1000); delete(@start[tid]); }
tracepoint:raw_syscalls:sys_enter { @calls[comm] = count(); }
`;

describe.skipIf(skip !== null)('theme and chart units', () => {
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

  it('follows prefers-color-scheme, is switchable and remembered, Monaco follows', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(served.url);
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
    // No choice yet: the system's (light here).
    expect(await choiceOf(page)).toBe('system');
    expect(await theme(page)).toBe('light');
    expect(await bodyBg(page)).toBe('rgb(255, 255, 255)');
    expect(await monacoDark(page)).toBe(false);
    // The system turns dark: so does kscope.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => theme(page)).toBe('dark');
    expect(await monacoDark(page)).toBe(true);
    // An explicit choice wins over the system, and survives a reload.
    await chooseTheme(page, 'light');
    expect(await theme(page)).toBe('light');
    await page.reload();
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
    expect(await theme(page)).toBe('light');
    expect(await monacoDark(page)).toBe(false);
    // Alt+Shift+T cycles light → dark → system, from the editor too.
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Alt+Shift+T');
    expect(await theme(page)).toBe('dark');
    expect(await choiceOf(page)).toBe('dark');
    await page.keyboard.press('Alt+Shift+T');
    expect(await choiceOf(page)).toBe('system');
    expect(await theme(page)).toBe('dark'); // the emulated system is dark
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const width of [1280, 1920]) {
    it(`a run's charts name their units, in both themes, at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: width === 1280 ? 800 : 1080 }, colorScheme: 'dark' });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(served.url);
      await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
      await chooseTheme(page, 'dark');
      await setScript(page, SCRIPT);
      await page.click('[data-testid="run-options-button"]');
      await page.fill('[data-testid="run-duration"]', '4');
      await page.click('[data-testid="run-options-button"]');
      await page.click('[data-testid="run-button"]');
      await expect.poll(() => state(page), { timeout: 30_000 }).toMatch(/exited/i);

      const bytes = page.locator('section.map[data-map="@bytes"]');
      await bytes.locator('[data-testid="hist-bar"]').first().waitFor({ timeout: 15_000 });
      expect(await bytes.locator('.recharts-label').allTextContents()).toEqual(expect.arrayContaining(['bytes', 'events']));
      // Byte buckets in IEC units (bpftrace's K is 1024).
      const ticks = (await bytes.locator('.recharts-cartesian-axis-tick-value').allTextContents()).join(' ');
      expect(ticks).toMatch(/\b(B|KiB)\b/);
      const us = page.locator('section.map[data-map="@read_us"]');
      expect(await us.locator('.recharts-label').allTextContents()).toEqual(expect.arrayContaining(['µs', 'events']));
      expect(await us.locator('[data-testid="hist-p50"]').innerText()).toMatch(/µs$/);
      const calls = page.locator('section.map[data-map="@calls"]');
      await calls.locator('[data-testid="map-series"] .recharts-label').first().waitFor({ timeout: 15_000 });
      expect(await calls.locator('[data-testid="map-series"] .recharts-label').allTextContents()).toContain('events');
      expect((await calls.locator('[data-testid="map-series"] .recharts-xAxis .recharts-cartesian-axis-tick-value').allTextContents()).every((t) => / s$/.test(t))).toBe(true);

      await page.screenshot({ path: path.join(OUTPUT_DIR, `theme-dark-${width}.png`) });
      await chooseTheme(page, 'light');
      expect(await bodyBg(page)).toBe('rgb(255, 255, 255)');
      // The axes' text is dark on white in the light theme (not the dark theme's grey).
      const tickFill = await us.locator('.recharts-cartesian-axis-tick-value').first().evaluate((el) => getComputedStyle(el).fill);
      expect(tickFill).toBe('rgb(87, 96, 106)');
      await page.screenshot({ path: path.join(OUTPUT_DIR, `theme-light-${width}.png`) });
      // The dialogs in the light theme: the recordings library over a replay, the probe details.
      await page.keyboard.press('Control+r');
      await page.locator('[data-testid="library-open"]').first().click();
      await page.locator('[data-testid="replay-bar"]').waitFor({ timeout: 15_000 });
      await page.fill('[data-testid="probe-search"]', 'sys_enter_openat');
      await page.locator('[data-testid="probe-result"]').first().click();
      await page.locator('[data-testid="probe-details"]').waitFor();
      await page.screenshot({ path: path.join(OUTPUT_DIR, `theme-light-replay-${width}.png`) });
      await page.keyboard.press('Control+r');
      await page.locator('[data-testid="library-row"]').first().waitFor();
      await page.screenshot({ path: path.join(OUTPUT_DIR, `theme-light-library-${width}.png`) });
      await page.keyboard.press('Escape');
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
