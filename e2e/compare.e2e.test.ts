// Compare in a real Chromium over the real host and the typed fake backend (no kernel, no
// root): two CPU profiles (lesson 9: profile:hz:99 { @[kstack] = count(); }) are kept;
// ticking both in the library and pressing Compare draws a differential flame graph
// coloured by the change in share, with A, B and the change in each frame's tooltip. The
// fake backend's second profile shifts weight to a third of its stacks, so B differs from
// A the way "after a change" does.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping compare e2e: ${skip}`);

const state = (page: Page) => page.locator('[data-testid="status-state"]').innerText();

async function profileFor(page: Page, ms: number): Promise<void> {
  await page.click('[data-testid="run-button"]');
  await expect.poll(() => state(page), { timeout: 15_000 }).toMatch(/running/i);
  await expect.poll(() => page.locator('[data-testid="flame-graph"] g.frame').count(), { timeout: 20_000 }).toBeGreaterThan(3);
  await page.waitForTimeout(ms);
  await page.click('[data-testid="stop-button"]');
  await expect.poll(() => state(page), { timeout: 15_000 }).toMatch(/exited/i);
}

const totals = async (page: Page) => {
  const m = /A: ([\d,]+) samples · B: ([\d,]+) samples/.exec(await page.locator('[data-testid="diff-totals"]').innerText());
  return m ? [Number(m[1].replace(/,/g, '')), Number(m[2].replace(/,/g, ''))] : null;
};

describe.skipIf(skip !== null)('compare two recordings', () => {
  const suite = appForSuite({ width: 1440, height: 900 }, '.monaco-editor', 'fake');
  const { errors } = suite;
  let page: Page;
  beforeAll(() => {
    page = suite.page;
  });

  it('records two CPU profiles', async () => {
    await expect.poll(() => page.locator('[data-testid="example-select"] option[value="lesson-9"]').count(), { timeout: 15_000 }).toBe(1);
    await page.selectOption('[data-testid="example-select"]', 'lesson-9');
    await expect.poll(() => page.locator('.view-lines').innerText()).toContain('profile:hz:99');
    await profileFor(page, 2000);
    // B: the second profile, with a different share per stack.
    await profileFor(page, 2000);
    await page.click('[data-testid="recordings-button"]');
    await expect.poll(() => page.locator('[data-testid="library-row"]').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator('[data-testid="library-row"]').first().innerText()).toContain('stacks');
  });

  it('ticks both, compares, and draws the differential flame graph', async () => {
    expect(await page.locator('[data-testid="library-compare"]').isDisabled()).toBe(true);
    const picks = page.locator('[data-testid="library-pick"]');
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.click('[data-testid="library-compare"]');
    await page.locator('[data-testid="compare"]').waitFor();

    const frames = page.locator('[data-testid="diff-graph"] g.frame');
    await expect.poll(() => frames.count(), { timeout: 20_000 }).toBeGreaterThan(5);
    const t = await totals(page);
    expect(t).not.toBeNull();
    expect(t![0]).toBeGreaterThan(0);
    expect(t![1]).toBeGreaterThan(0);

    // Every frame is painted by the diff colour scale (grey, or towards red / blue).
    const fills = await page.locator('[data-testid="diff-graph"] g.frame rect').evaluateAll((els) => els.map((e) => e.getAttribute('fill') ?? ''));
    expect(fills.length).toBeGreaterThan(5);
    for (const f of fills) expect(f).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
    // The tooltip says A, B and the change.
    const title = await frames.nth(1).locator('title').textContent();
    expect(title).toMatch(/A \(before\): [\d,]+ samples · [\d.]+%/);
    expect(title).toMatch(/B \(after\): +[\d,]+ samples · [\d.]+%/);
    expect(title).toMatch(/change: (\+|−|±)[\d.]+ pts/);
    // B's shares differ: some functions' share changed by more than a point.
    const deltas = (await page.locator('[data-testid="diff-top"] tbody tr td:last-child').allInnerTexts()).map((t) => Math.abs(Number(t.replace('−', '-'))));
    expect(Math.max(...deltas)).toBeGreaterThan(1);
    // And some frames are drawn red (grew in B) or blue (shrank): not all grey.
    expect(fills.some((f) => f !== 'rgb(200, 204, 212)')).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'compare.png') });
  });

  it('saves the diff chart as a PNG made in the page, under the host CSP', async () => {
    const download = page.waitForEvent('download', { timeout: 15_000 });
    await page.click('[data-testid="diff-png"]');
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/-diff\.png$/);
    const file = path.join(OUTPUT_DIR, 'compare-diff-chart.png');
    await d.saveAs(file);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // Twice the chart's size (drawn at 2x), so not an empty image.
    const width = bytes.readUInt32BE(16);
    const chartWidth = await page.locator('[data-testid="diff-graph"] svg').evaluate((e) => e.getBoundingClientRect().width);
    expect(width).toBe(Math.ceil(chartWidth) * 2);
  });

  it('swaps A and B, and draws widths from A', async () => {
    const before = await totals(page);
    await page.click('[data-testid="compare-swap"]');
    await expect.poll(() => totals(page), { timeout: 20_000 }).toEqual([before![1], before![0]]);
    await page.click('[data-testid="diff-width-a"]');
    await expect.poll(() => page.locator('[data-testid="diff-width-a"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-testid="diff-graph"] g.frame').count()).toBeGreaterThan(5);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="compare"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
