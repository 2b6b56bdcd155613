// Replaying a printf run in Chromium over the real `kscope serve` and bpftrace: the replay's
// log holds the whole run (6,000 lines, three times the 2,000 a replay is sent), scrolled
// back to line 1 and searched over every line, read by page from the recording.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: real bpftrace runs' : null);
if (skip) console.warn(`skipping replay-log e2e: ${skip}`);

const SCRIPT = 'interval:us:250 { @n = @n + 1; printf("%d line\\n", @n); if (@n >= 6000) { exit(); } }';
const rowNumbers = async (page: Page) => (await page.locator('[data-testid="printf-line"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-n')))));

describe.skipIf(skip !== null)('replay of a printf run', () => {
  const s = appForSuite({ width: 1280, height: 800 });

  it('shows every line of the run, not only its last 2,000', async () => {
    const page = s.page;
    await setScript(page, SCRIPT);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 30_000 }).toMatch(/exited/i);

    // Open the run's recording: a replay.
    await page.keyboard.press('Control+r');
    await page.locator('[data-testid="library-open"]').first().click();
    await page.locator('[data-testid="replay-bar"]').waitFor({ timeout: 15_000 });
    const log = page.locator('[data-testid="printf-log"]');
    await expect.poll(async () => (await rowNumbers(page)).at(-1), { timeout: 15_000 }).toBe(6000);
    // Home: line 1, paged from the recording.
    await log.focus();
    await page.keyboard.press('Home');
    await expect.poll(async () => (await rowNumbers(page))[0], { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-testid="printf-line"]').first().innerText()).toContain('1 line');
    // A search over the whole run: lines 1..99 ending in 7 are long gone from the last 2,000.
    await page.click('[data-testid="log-regex"]');
    await page.fill('[data-testid="log-search"]', '^\\d?7 line');
    await page.click('[data-testid="log-filter"]');
    await expect.poll(() => page.locator('[data-testid="log-hits"]').innerText(), { timeout: 15_000 }).toMatch(/^10 in run/);
    expect(await rowNumbers(page)).toEqual([7, 17, 27, 37, 47, 57, 67, 77, 87, 97]);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'replay-log-1280.png') });
    expect(s.errors).toEqual([]);
  });
});
