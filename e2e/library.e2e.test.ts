// The recordings library in a real Chromium over the real host and the typed fake backend
// (no kernel, no root; the library is the real one): a run of lesson 4 is kept; the library lists it; opening it replays it in the same views with a
// time scrubber, and scrubbing back shows the counts as they were then; export writes a
// file; rename, search and delete work.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping library e2e: ${skip}`);

const state = (page: Page) => page.locator('[data-testid="status-state"]').innerText();

/** The sum of the count table's values (cumulative counts: larger later in a run). */
async function countTotal(page: Page): Promise<number> {
  const cells = await page.locator('.ct-value').allInnerTexts();
  return cells.reduce((s, t) => s + Number(t.replace(/,/g, '')), 0);
}

describe.skipIf(skip !== null)('recordings library', () => {
  const suite = appForSuite({ width: 1440, height: 900 }, '.monaco-editor', 'fake');
  const { errors } = suite;
  let page: Page;
  beforeAll(() => {
    page = suite.page;
  });

  it('keeps a run and lists it', async () => {
    await expect.poll(() => page.locator('[data-testid="example-select"] option[value="lesson-4"]').count(), { timeout: 15_000 }).toBe(1);
    await page.selectOption('[data-testid="example-select"]', 'lesson-4');
    await page.selectOption('[data-testid="snapshot-select"]', '500');
    await expect.poll(() => page.locator('.view-lines').innerText()).toContain('raw_syscalls:sys_enter');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => state(page), { timeout: 15_000 }).toMatch(/running/i);
    // Several snapshots of the map: the scrubber needs stops.
    await expect
      .poll(async () => Number((await page.locator('.map-time').first().innerText().catch(() => '0 s')).replace(/\s*s$/, '')), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    await page.click('[data-testid="stop-button"]');
    await expect.poll(() => state(page), { timeout: 15_000 }).toMatch(/exited/i);

    await page.keyboard.press('Control+r');
    await page.locator('[data-testid="library"]').waitFor();
    const row = page.locator('[data-testid="library-row"]').first();
    await row.waitFor();
    expect(await page.locator('[data-testid="library-row"]').count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain('raw_syscalls:sys_enter');
    expect(text).not.toContain('interrupted');
    expect(text).toMatch(/SIGINT|exit 0/);
    expect(await page.locator('[data-testid="library-usage"]').innerText()).toMatch(/of .*\(/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'library.png') });
  });

  it('opens it as a replay; scrubbing back shows the counts as they were', async () => {
    await page.locator('[data-testid="library-open"]').first().click();
    await page.locator('[data-testid="replay-bar"]').waitFor();
    await expect.poll(() => page.locator('[data-testid="library"]').count()).toBe(0);
    expect(await state(page)).toMatch(/Replay · at \d+\.\d s/);
    // The recording's script is in the editor.
    await expect.poll(() => page.locator('.view-lines').innerText()).toContain('raw_syscalls:sys_enter');

    const frame = () => page.locator('[data-testid="replay-frame"]').innerText();
    const readout = () => page.locator('[data-testid="replay-readout"]').innerText();
    // The views show the moment the readout names (the status bar says which time it shows).
    const inStep = async () => /^at (\S+) s/.exec(await readout())?.[1] === /at (\S+) s/.exec(await state(page))?.[1];
    await expect.poll(frame, { timeout: 10_000 }).toMatch(/^snapshot (\d+) \/ \1$/);
    const n = Number(/\/ (\d+)/.exec(await frame())![1]);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(await readout()).toMatch(/^at \d+\.\d s of \d+\.\d s$/);
    await expect.poll(() => countTotal(page), { timeout: 10_000 }).toBeGreaterThan(0);
    const atEnd = await countTotal(page);
    const endReadout = await readout();

    // Home on the slider: the first snapshot, with smaller (earlier) counts.
    await page.focus('[data-testid="replay-slider"]');
    await page.keyboard.press('Home');
    await expect.poll(frame).toBe(`snapshot 1 / ${n}`);
    await expect.poll(inStep, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => countTotal(page), { timeout: 10_000 }).toBeLessThan(atEnd);
    expect(await readout()).not.toBe(endReadout);
    const atStart = await countTotal(page);
    expect(atStart).toBeGreaterThan(0);

    // → steps one snapshot forward from anywhere but a text field.
    await page.locator('[data-testid="replay-bar"] .replay-name').click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(frame).toBe(`snapshot 2 / ${n}`);
    await expect.poll(inStep, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => countTotal(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(atStart);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'replay-scrubber.png') });

    // End: back to the final counts.
    await page.focus('[data-testid="replay-slider"]');
    await page.keyboard.press('End');
    await expect.poll(frame).toBe(`snapshot ${n} / ${n}`);
    await expect.poll(() => countTotal(page), { timeout: 10_000 }).toBe(atEnd);
    // Once the earlier snapshots are read, the table has per-second rates as it had live.
    await expect.poll(() => page.locator('[data-testid="replay-series"]').count(), { timeout: 15_000 }).toBe(0);
    await expect
      .poll(async () => (await page.locator('[data-testid="rate-cell"]').allInnerTexts()).some((t) => /\d/.test(t)), { timeout: 10_000 })
      .toBe(true);
  });

  it('exports the replay to CSV (a file in the exports folder)', async () => {
    await page.locator('[data-testid="replay-bar"] [data-testid="export-button"]').click();
    // Formats that need stacks are refused up front for a recording without any.
    expect(await page.locator('[data-testid="export-folded"]').isDisabled()).toBe(true);
    await page.click('[data-testid="export-csv"]');
    const toast = page.locator('[data-testid="toast"]', { hasText: 'Exported' });
    await toast.first().waitFor({ timeout: 15_000 });
    const name = /Exported (\S+\.csv)/.exec(await toast.first().innerText())?.[1];
    expect(name).toBeTruthy();
    const file = path.join(suite.app.served.dataHome, 'kscope', 'exports', name!);
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv.split('\n').length).toBeGreaterThan(2);
  });

  it('renames, searches and deletes (with a confirmation)', async () => {
    await page.keyboard.press('Control+r');
    await page.locator('[data-testid="library-row"]').first().waitFor();
    await page.click('[data-testid="library-rename"]');
    await page.fill('[data-testid="library-rename-input"]', 'syscalls before the fix');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="library-name"]').first().innerText()).toContain('syscalls before the fix');
    // The replay bar follows the new name.
    await expect.poll(() => page.locator('[data-testid="replay-name"]').innerText()).toContain('syscalls before the fix');

    await page.fill('[data-testid="library-search"]', 'before fix');
    await expect.poll(() => page.locator('[data-testid="library-row"]').count()).toBe(1);
    await page.fill('[data-testid="library-search"]', 'interrupted');
    await expect.poll(() => page.locator('[data-testid="library-row"]').count()).toBe(0);
    await page.fill('[data-testid="library-search"]', '');

    await page.click('[data-testid="library-delete"]');
    await page.locator('[data-testid="library-confirm"]').waitFor();
    // Nothing is deleted until confirmed.
    expect(await page.locator('[data-testid="library-row"]').count()).toBe(1);
    await page.click('[data-testid="library-confirm-delete"]');
    await expect.poll(() => page.locator('[data-testid="library-row"]').count(), { timeout: 10_000 }).toBe(0);
    // The replay of a deleted recording closes.
    await expect.poll(() => page.locator('[data-testid="replay-bar"]').count()).toBe(0);
    expect(fs.readdirSync(path.join(suite.app.served.dataHome, 'kscope', 'recordings')).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  });

  it('imports pasted folded stacks, reports the bad line, and opens them as a flame graph', async () => {
    await page.click('[data-testid="library-import"]');
    await page.locator('[data-testid="import-dialog"]').waitFor();
    await page.fill('[data-testid="import-text"]', 'main;work;compute 30\nmain;idle 10\nthis line has no count\nmain;work;io 5\n');
    await page.selectOption('[data-testid="import-format"]', 'folded');
    await page.fill('[data-testid="import-name"]', 'pasted profile');
    await page.keyboard.press('Control+Enter');
    // The malformed line is reported by number; the rest is imported.
    await page.locator('[data-testid="import-problems"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="import-problems"]').innerText()).toMatch(/line 3\b/);
    // Ctrl+Enter in the dialog imported; it did not start a run.
    expect(await state(page)).not.toMatch(/running|starting/i);
    await page.click('[data-testid="import-open"]');
    await page.locator('[data-testid="replay-bar"]').waitFor();
    expect(await page.locator('[data-testid="replay-name"]').innerText()).toContain('pasted profile');
    await expect.poll(() => page.locator('[data-testid="flame-graph"] g.frame').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    const meta = await page.locator('.flame-meta').first().innerText();
    expect(meta).toMatch(/^45 samples/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'import-replay.png') });
    await page.click('[data-testid="replay-close"]');
    await expect.poll(() => page.locator('[data-testid="replay-bar"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('imports perf script weighted by period, or counting samples when asked (screenshots at 1,280 and 1,920 px)', async () => {
    const perf = fs.readFileSync(path.resolve('test/fixtures/interop/perf-java-inline.txt'), 'utf8');
    for (const [count, want] of [
      [false, /^1,500,000 samples/],
      [true, /^3 samples/],
    ] as const) {
      // Recordings (Ctrl+R), then Import….
      if ((await page.locator('[data-testid="library-import"]').count()) === 0) await page.keyboard.press('Control+r');
      await page.click('[data-testid="library-import"]');
      await page.locator('[data-testid="import-dialog"]').waitFor();
      await page.fill('[data-testid="import-text"]', perf);
      // The perf choices appear once the text looks like perf script.
      await page.locator('[data-testid="import-perf"]').waitFor();
      if (count) await page.check('[data-testid="import-count-samples"]');
      else {
        for (const width of [1280, 1920]) {
          await page.setViewportSize({ width, height: 900 });
          await page.screenshot({ path: path.join(OUTPUT_DIR, `import-perf-${width}.png`) });
        }
        await page.setViewportSize({ width: 1440, height: 900 });
      }
      await page.keyboard.press('Control+Enter');
      await page.locator('[data-testid="replay-bar"]').waitFor({ timeout: 15_000 });
      await expect.poll(() => page.locator('.flame-meta').first().innerText(), { timeout: 10_000 }).toMatch(want);
      await page.click('[data-testid="replay-close"]');
      await expect.poll(() => page.locator('[data-testid="replay-bar"]').count()).toBe(0);
    }
    expect(errors).toEqual([]);
  });
});
