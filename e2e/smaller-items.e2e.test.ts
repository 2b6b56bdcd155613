// The smaller items, checked in the real UI (Chromium over the real `kscope serve`
// and bpftrace): a percentile in the open-ended [2000, …) bucket reads "≥ 2000"; Top
// functions sort by total; "Print the fields" prints an `int` with %d; a run's problems are
// marked "earlier run" once the script changed. (Insert below the header comment:
// probe-search.e2e; F2 and Del after a mouse click: downloads.e2e; attach errors on their
// attach point: locate-probe runtime test; a replay's whole log: replay-log.e2e.)
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: real bpftrace runs' : null);
if (skip) console.warn(`skipping smaller-items e2e: ${skip}`);

const state = (page: Page) => page.locator('[data-testid="status-state"]').innerText();
const editorText = async (page: Page) => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');

async function runToExit(page: Page, durationSec?: number): Promise<void> {
  if (durationSec) {
    await page.click('[data-testid="run-options-button"]');
    await page.fill('[data-testid="run-duration"]', String(durationSec));
    await page.click('[data-testid="run-options-button"]');
  }
  await page.click('[data-testid="run-button"]');
  await expect.poll(() => state(page), { timeout: 30_000 }).toMatch(/exited/i);
}

describe.skipIf(skip !== null)('the smaller items, in the real UI', () => {
  const s = appForSuite({ width: 1280, height: 800 });

  it('p50/p90/p99 in the [2000, …) bucket read "≥ 2000", not "2000"', async () => {
    const page = s.page;
    await setScript(page, 'BEGIN { @h = lhist(2500, 0, 2000, 100); @h = lhist(3000, 0, 2000, 100); @h = lhist(50, 0, 2000, 100); exit(); }\n');
    await runToExit(page);
    await page.locator('[data-testid="hist-p50"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="hist-p50"]').innerText()).toBe('≥ 2000');
    expect(await page.locator('[data-testid="hist-p99"]').innerText()).toBe('≥ 2000');
  });

  it('Top functions sort by total', async () => {
    const page = s.page;
    await setScript(page, 'profile:hz:199 { @[kstack] = count(); }\n');
    await runToExit(page, 2);
    await page.locator('[data-testid="flame-top"] tbody tr').first().waitFor({ timeout: 15_000 });
    await page.click('[data-testid="flame-top-sort-total"]');
    const totals = await page.locator('[data-testid="flame-top"] tbody tr td:nth-child(3)').allInnerTexts();
    const values = totals.map((t) => Number(t.replace('%', '')));
    expect(values.length).toBeGreaterThan(1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // The root's children hold every sample: the first row by total is 100 % or close to the top.
    expect(values[0]).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'smaller-top-total-1280.png') });
  });

  it('"Print the fields" uses %d for an int', async () => {
    const page = s.page;
    await page.fill('[data-testid="probe-search"]', 'tracepoint:syscalls:sys_enter_openat');
    await page.locator('[data-testid="probe-result"][data-name="tracepoint:syscalls:sys_enter_openat"]').first().click();
    await page.click('[data-testid="probe-new-script"]');
    await page.locator('[data-testid="probe-template"]', { hasText: 'Print the fields' }).first().click();
    if ((await page.locator('[data-testid="probe-template-replace"]').count()) > 0) await page.click('[data-testid="probe-template-replace"]');
    await expect.poll(() => editorText(page)).toMatch(/dfd=%d/);
    expect(await editorText(page)).not.toMatch(/dfd=%u/);
    await page.fill('[data-testid="probe-search"]', '');
  });

  it("a run's problems are marked 'earlier run' once the script changed", async () => {
    const page = s.page;
    await setScript(page, 'BEGIN { @x = nosuchfunc(1); }\n');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => state(page), { timeout: 30_000 }).toMatch(/exited|idle|error/i);
    const problem = page.locator('[data-testid="problem"]').filter({ hasText: /nosuchfunc/ }).first();
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.getAttribute('data-stale')).toBeNull();
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+Home');
    await page.keyboard.insertText('// edited\n');
    await expect.poll(() => problem.getAttribute('data-stale')).toBe('true');
    expect(await problem.innerText()).toMatch(/earlier run/i);
    expect(s.errors).toEqual([]);
  });
});
