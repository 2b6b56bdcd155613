// The explorer's run options and flame graphs in Chromium over the real `kscope serve` and
// the real bpftrace: a form generated from the script's $1…$N (a run with one missing is not
// started, and says why), -c CMD, a duration; and a live CPU profile whose user-space
// samples (empty kernel stacks) are drawn as "[user space]" instead of blank width.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: real bpftrace runs' : null);
if (skip) console.warn(`skipping explorer e2e: ${skip}`);

const state = (page: Page) => page.locator('[data-testid="status-state"]').innerText();

describe.skipIf(skip !== null)('explorer: run options and flame graphs', () => {
  const suite = appForSuite({ width: 1280, height: 860 });
  let page: Page;
  beforeAll(() => {
    page = suite.page;
  });

  it('asks for the $1…$N the script reads, refuses a run with one missing, and passes them', async () => {
    await setScript(page, 'BEGIN { printf("hello %s from %s\\n", str($1), str($2)); exit(); }\n');
    await page.keyboard.press('Control+Enter');
    // Not started: the options open with one field per parameter, and the toast says which.
    await page.locator('[data-testid="run-options"]').waitFor();
    // (Other toasts may be up too: look for this one.)
    await page.locator('[data-testid="toast"]', { hasText: '$1, $2' }).first().waitFor({ timeout: 10_000 });
    expect(await state(page)).not.toMatch(/running|exited/i);
    expect(await page.locator('[data-testid^="run-arg-"]').count()).toBe(2);
    await page.fill('[data-testid="run-arg-1"]', 'kscope');
    await page.fill('[data-testid="run-arg-2"]', 'a "quoted" arg');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'run-options-1280.png') });
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => state(page), { timeout: 15_000 }).toMatch(/exited/i);
    await expect.poll(() => page.locator('[data-testid="output-pane"], .output-pane').first().innerText()).toContain('hello kscope from a "quoted" arg');
  });

  it('-c CMD runs a command and the run ends with it', async () => {
    await setScript(page, 'BEGIN { printf("traced child %d\\n", cpid); }\n');
    await page.click('[data-testid="run-options-button"]');
    await page.fill('[data-testid="run-command"]', '/bin/sleep 0.5');
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => state(page), { timeout: 15_000 }).toMatch(/exited/i);
    expect(await page.locator('.output-pane').innerText()).toMatch(/traced child [1-9]\d*/);
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-options-clear"]');
    await page.click('[data-testid="run-options-button"]');
  });

  it('copies a filtered map table as TSV and Markdown, exactly', async () => {
    await setScript(page, 'BEGIN { @c["alpha"] = count(); @c["beta|pipe"] = count(); @c["beta|pipe"] = count(); @c["beta two"] = count(); exit(); }\n');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => state(page), { timeout: 15_000 }).toMatch(/exited/i);
    await page.locator('[data-testid="map-filter"]').fill('beta');
    await expect.poll(() => page.locator('[data-testid="map-row"]').count()).toBe(2);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(suite.app.served.url).origin });
    await page.click('[data-testid="map-copy-tsv"]');
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe('key\trate/s\tvalue\nbeta|pipe\t\t2\nbeta two\t\t1\n');
    await page.click('[data-testid="map-copy-md"]');
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe('| key | rate/s | value |\n| --- | ---: | ---: |\n| beta\\|pipe |  | 2 |\n| beta two |  | 1 |\n');
  });

  it('a live CPU profile draws its user-space samples as [user space], and a duration ends it', async () => {
    await setScript(page, 'profile:hz:99 { @cpu[kstack] = count(); }\n');
    await page.click('[data-testid="run-options-button"]');
    await page.fill('[data-testid="run-duration"]', '3');
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => state(page), { timeout: 20_000 }).toMatch(/exited/i);
    const frames = page.locator('[data-testid="flame-graph"] g.frame');
    await frames.first().waitFor({ timeout: 10_000 });
    // This VM's CPUs run user code most of the time: some samples have empty kernel stacks.
    const user = page.locator('[data-testid="flame-graph"] g.frame', { hasText: '[user space]' });
    await expect.poll(() => user.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.click('[data-testid="maximize-flame"]');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'flame-user-space-1280.png') });
    await page.click('[data-testid="maximize-flame"]');
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-options-clear"]');
    expect(suite.errors).toEqual([]);
  });
});
