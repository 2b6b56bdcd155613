// The probe browser's search in Chromium over the real `kscope serve`: a uprobe pattern that
// names a binary lists that binary's functions (as `bpftrace -l` does); a word search puts
// what can run here first and folds what cannot under one line that says why and what to
// use instead.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR } from './serve.js';

const skip = e2eSkipReason() ?? (!fs.existsSync('/bin/bash') ? 'no /bin/bash to list' : null);
if (skip) console.warn(`skipping probe search e2e: ${skip}`);
const noKprobes = !fs.existsSync('/sys/kernel/tracing/kprobe_events') && !fs.existsSync('/sys/kernel/debug/tracing/kprobe_events');

describe.skipIf(skip !== null)('probe search', () => {
  const suite = appForSuite({ width: 1280, height: 860 });
  let page: Page;
  beforeAll(() => {
    page = suite.page;
  });

  it('uprobe:/bin/bash:read* lists the functions bpftrace -l lists', async () => {
    await page.fill('[data-testid="probe-search"]', 'uprobe:/bin/bash:read*');
    const results = page.locator('[data-testid="probe-result"]');
    await expect.poll(() => results.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const names = await results.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(names.every((n) => /^uprobe:\/bin\/bash:read/.test(n ?? ''))).toBe(true);
    if (process.getuid?.() === 0) {
      const listed = spawnSync('bpftrace', ['-l', 'uprobe:/bin/bash:read*'], { encoding: 'utf8' }).stdout.trim().split('\n');
      expect([...names].sort()).toEqual(listed.sort());
    }
  });

  it('Insert after loading an example puts the probe below the header comment, not at 1:1', async () => {
    await expect.poll(() => page.locator('[data-testid="example-select"] option[value="lesson-4"]').count(), { timeout: 15_000 }).toBe(1);
    await page.selectOption('[data-testid="example-select"]', 'lesson-2');
    await page.fill('[data-testid="probe-search"]', 'tracepoint:sched:sched_switch');
    await page.locator('[data-testid="probe-result"]').first().click();
    await page.click('[data-testid="probe-insert"]');
    const draft = () => page.evaluate<string>(`JSON.parse(localStorage.getItem('kscope.draft') || '{"source":""}').source`);
    await expect.poll(draft).toContain('tracepoint:sched:sched_switch');
    const lines = (await draft()).split('\n');
    const at = lines.findIndex((l) => l.includes('tracepoint:sched:sched_switch'));
    expect(lines[0]).toMatch(/^\/\*/);
    expect(lines[at - 1].trim()).toMatch(/\*\/$/);
    // A probe of its own with an empty block, before the lesson's: a script bpftrace accepts.
    expect(lines.slice(at, at + 4)).toEqual(['tracepoint:sched:sched_switch', '{', '}', '']);
    expect(lines[at + 4]).toMatch(/^(BEGIN|END|[a-z_]+:)/); // the lesson's own first probe
  });

  it.skipIf(!noKprobes)('openat: the runnable tracepoints first, the rest folded under why', async () => {
    await page.fill('[data-testid="probe-search"]', 'openat');
    const results = page.locator('[data-testid="probe-result"]');
    await expect.poll(() => results.first().getAttribute('data-name'), { timeout: 15_000 }).toMatch(/^tracepoint:syscalls:sys_(enter|exit)_openat/);
    const fold = page.locator('[data-testid="probe-fold"]');
    await fold.waitFor();
    expect(await fold.innerText()).toMatch(/can't run here \(.*kprobe.*\)[\s\S]*Why: .*(CONFIG_KPROBES|kprobe)/);
    // Folded: every listed probe can run.
    expect(await results.evaluateAll((els) => els.every((e) => e.getAttribute('data-available') === 'true'))).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'probe-search-folded-1280.png') });
    await fold.click();
    await expect.poll(() => page.locator('[data-testid="probe-result"][data-available="false"]').count()).toBeGreaterThan(0);
    expect(suite.errors).toEqual([]);
  });
});
