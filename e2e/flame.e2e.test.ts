// Flame graphs in a real Chromium over the real host and the typed fake backend (no kernel,
// no root; its kernel stacks are a real capture plus a synthetic profile): lesson 9
// (profile:hz:99 { @[kstack] = count(); }) grows a flame graph while it samples; search shows a match
// percent, a click zooms, reset unzooms; then the Profile CPU dialog runs its own profile.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping flame e2e: ${skip}`);

describe.skipIf(skip !== null)('flame graph', () => {
  const suite = appForSuite({ width: 1600, height: 1000 }, '.monaco-editor', 'fake');
  const { errors } = suite;
  let page: Page;
  beforeAll(() => {
    page = suite.page;
  });

  const frames = () => page.locator('[data-testid="flame-graph"] g.frame');
  const visibleFrames = () => page.locator('[data-testid="flame-graph"] g.frame:not(.fade)');

  it('runs lesson 9 and shows a flame graph that grows while sampling', async () => {
    await expect.poll(() => page.locator('[data-testid="example-select"] option[value="lesson-9"]').count(), { timeout: 15_000 }).toBe(1);
    await page.selectOption('[data-testid="example-select"]', 'lesson-9');
    await expect.poll(() => page.locator('.view-lines').innerText()).toContain('profile:hz:99');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => frames().count(), { timeout: 20_000 }).toBeGreaterThan(5);
    const meta = () => page.locator('.flame-meta').first().innerText();
    const samples = async () => Number((/^([\d,]+) samples/.exec(await meta())?.[1] ?? '0').replace(/,/g, ''));
    const first = await samples();
    expect(first).toBeGreaterThan(0);
    await expect.poll(samples, { timeout: 15_000 }).toBeGreaterThan(first);
    expect(await page.locator('[data-testid="flame-top"] tbody tr').count()).toBeGreaterThan(0);
  });

  it('searches a frame and shows the percent matched', async () => {
    // A frame of the real capture the fake backend replays (test/fixtures/bpftrace-0.17/kstack.stdout.ndjson).
    await page.fill('[data-testid="flame-search"]', 'do_syscall');
    await expect.poll(() => page.locator('[data-testid="flame-match"]').innerText(), { timeout: 5000 }).toMatch(/\d+ match(es)? · \d+(\.\d)?%/);
    const pct = Number(/· ([\d.]+)%/.exec(await page.locator('[data-testid="flame-match"]').innerText())![1]);
    expect(pct).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'flamegraph-search.png') });
    await page.fill('[data-testid="flame-search"]', '');
  });

  it('zooms on click, keeps the zoom while it grows, and resets', async () => {
    const all = await visibleFrames().count();
    // A frame two levels below the root with a label (wide enough to click).
    const target = page.locator('[data-testid="flame-graph"] g.frame').nth(1);
    const name = await target.getAttribute('name');
    await target.click({ position: { x: 5, y: 5 } });
    await expect.poll(() => page.locator('[data-testid="flame-zoom"]').innerText(), { timeout: 5000 }).toContain(name!);
    // Live updates keep arriving; the zoom stays.
    await page.waitForTimeout(2500);
    expect(await page.locator('[data-testid="flame-zoom"]').innerText()).toContain(name!);
    expect(await page.locator('[data-testid="flame-graph"] g.frame.fade').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'flamegraph-zoomed.png') });
    await page.click('[data-testid="flame-reset"]');
    await expect.poll(() => page.locator('[data-testid="flame-zoom"]').count()).toBe(0);
    expect(await visibleFrames().count()).toBeGreaterThanOrEqual(Math.min(all, 3));
  });

  it('toggles the icicle view and show-all', async () => {
    await page.click('[data-testid="flame-invert"]');
    await expect.poll(() => page.locator('[data-testid="flame-invert"]').getAttribute('aria-pressed')).toBe('true');
    await page.click('[data-testid="flame-invert"]');
    await page.click('[data-testid="flame-show-all"]');
    await expect.poll(() => page.locator('[data-testid="flame-show-all"]').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => frames().count(), { timeout: 5000 }).toBeGreaterThan(5);
    await page.click('[data-testid="flame-show-all"]');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'flamegraph.png') });
    await page.click('[data-testid="stop-button"]');
    await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 15_000 }).toMatch(/exited/i);
    expect(await frames().count()).toBeGreaterThan(5); // the final dump is folded too
  });

  it('profiles the CPU from the Profile CPU dialog', async () => {
    await page.click('[data-testid="profile-button"]');
    await page.selectOption('[data-testid="profile-stacks"]', 'kernel');
    await page.click('[data-testid="profile-start"]');
    await expect.poll(() => page.locator('.view-lines').innerText()).toMatch(/kstack,\s+comm/);
    await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 15_000 }).toMatch(/running/i);
    await expect.poll(() => frames().count(), { timeout: 20_000 }).toBeGreaterThan(5);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'flamegraph-profile.png') });
    await page.click('[data-testid="stop-button"]');
    await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 15_000 }).toMatch(/exited/i);
    expect(errors).toEqual([]);
  });
});
