// The probe browser in Chromium over the real `kscope serve`: the tree with counts, a
// greyed kprobe node with its reason, a search, a tracepoint's details, Ctrl+P.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, openApp, OUTPUT_DIR, type OpenApp } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping e2e probe browser: ${skip}`);
const noKprobes = !fs.existsSync('/sys/kernel/tracing/kprobe_events') && !fs.existsSync('/sys/kernel/debug/tracing/kprobe_events');

describe.skipIf(skip !== null)('probe browser', () => {
  let app: OpenApp;
  let page: Page;

  beforeAll(async () => {
    app = await openApp({ width: 1600, height: 950 }, '[data-testid="probe-tree"]');
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows every probe type with counts, kprobe greyed with its reason on this kernel', async () => {
    const tracepoints = page.locator('[data-testid="probe-node"][data-type="tracepoint"]').first();
    await tracepoints.waitFor({ timeout: 30_000 });
    expect(await tracepoints.innerText()).toMatch(/\d/);
    const kprobe = page.locator('[data-testid="probe-node"][data-type="kprobe"]').first();
    await kprobe.waitFor();
    if (noKprobes) {
      expect(await kprobe.getAttribute('data-available')).toBe('false');
      await kprobe.click();
      await expect.poll(() => page.locator('[data-testid="probe-details"]').innerText(), { timeout: 10_000 }).toMatch(/CONFIG_KPROBES|kprobe_events/);
    }
  });

  it('searches as you type with Ctrl+P, and shows a tracepoint\'s fields', async () => {
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+P');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid'))).toBe('probe-search');
    await page.keyboard.type('sys_enter_open');
    const results = page.locator('[data-testid="probe-result"]');
    await expect.poll(() => results.allInnerTexts().then((t) => t.join('\n')), { timeout: 10_000 }).toContain('tracepoint:syscalls:sys_enter_openat');
    await results.filter({ hasText: /sys_enter_openat$/ }).first().click();
    await expect.poll(() => page.locator('[data-testid="probe-details"]').innerText(), { timeout: 10_000 }).toMatch(/filename/);
    expect(await page.locator('[data-testid="probe-details"]').innerText()).toMatch(/const char \*/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'probe-browser.png') });
  });

  it('lesson 1: a glob lists exactly the matching probes', async () => {
    await page.fill('[data-testid="probe-search"]', 'tracepoint:syscalls:sys_enter_open*');
    const results = page.locator('[data-testid="probe-result"]');
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBeGreaterThan(1);
    for (const t of await results.allInnerTexts()) expect(t).toMatch(/tracepoint:syscalls:sys_enter_open/);
  });
});
