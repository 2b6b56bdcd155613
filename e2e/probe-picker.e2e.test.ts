// The probe browser's binary/process picker in Chromium over the real `kscope serve`: a sleep
// started under a known name is found among the running processes, opens to its executable
// and the libraries it maps, and picking its libc lists libc's uprobes (as many as
// `bpftrace -l` lists); inserting one puts the process's PID in the run options (-p).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason } from './serve.js';
import { namedSleepForFile, SLEEP } from './named-process.js';

const SHOTS = path.resolve('docs/screenshots');
const NAME = 'kscope-napper'; // under 15 bytes: the kernel's comm keeps it whole
const skip = e2eSkipReason() ?? (!SLEEP ? 'no sleep binary to start' : null);
if (skip) console.warn(`skipping probe picker e2e: ${skip}`);

const napper = namedSleepForFile(NAME, skip !== null);

async function pickLibc(page: Page): Promise<string> {
  await page.click('[data-testid="probe-target-button"]');
  await page.fill('[data-testid="probe-picker-filter"]', NAME);
  const row = page.locator(`[data-testid="probe-picker-process"][data-pid="${napper.pid}"]`);
  await row.waitFor({ timeout: 15_000 });
  expect(await row.getAttribute('data-comm')).toBe(NAME);
  await row.click();
  const libc = page.locator('[data-testid="probe-picker-object"][data-path$="/libc.so.6"]');
  await libc.waitFor({ timeout: 15_000 });
  return (await libc.getAttribute('data-path'))!;
}

for (const width of [1280, 1920]) {
  describe.skipIf(skip !== null)(`probe picker at ${width} px`, () => {
    const suite = appForSuite({ width, height: width === 1280 ? 860 : 1080 });

    it('finds the sleep by name, opens it to its executable and libraries, and lists its libc\'s uprobes', async () => {
      const page = suite.page;
      const libcPath = await pickLibc(page);
      const objects = await page.locator('[data-testid="probe-picker-object"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
      // Exactly what the kernel says it maps, the executable first.
      const maps = fs.readFileSync(`/proc/${napper.pid}/maps`, 'utf8');
      expect(objects[0]).toBe(fs.realpathSync(SLEEP!));
      for (const o of objects) expect(maps).toContain(o);
      await page.screenshot({ path: path.join(SHOTS, `probe-picker-${width}.png`) });

      await page.locator(`[data-testid="probe-picker-object"][data-path="${libcPath}"]`).click();
      await expect.poll(() => page.locator('[data-testid="probe-target"]').innerText(), { timeout: 15_000 }).toContain(`libc.so.6 of ${NAME} (PID ${napper.pid})`);
      // The tree opens libc's uprobes; the count is what bpftrace -l lists for it.
      const leaves = page.locator(`[data-testid="probe-node"][data-kind="probe"][data-type="uprobe"]`);
      await expect.poll(() => leaves.count(), { timeout: 30_000 }).toBeGreaterThan(5);
      const names = await leaves.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
      expect(names.every((n) => n!.startsWith(`uprobe:${libcPath}:`))).toBe(true);
      if (process.getuid?.() === 0) {
        const listed = spawnSync('/usr/bin/bpftrace', ['-l', `uprobe:${libcPath}:*`], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout.split('\n').filter(Boolean);
        const count = await page.locator('[data-testid="probe-node"][data-kind="type"][data-type="uprobe"] .node-count').innerText();
        expect(Number(count.replace(/,/g, ''))).toBe(listed.length);
      }

      // Search within the target: malloc, then Insert puts -p PID in the run options.
      await page.fill('[data-testid="probe-search"]', 'malloc');
      const hit = page.locator(`[data-testid="probe-result"][data-name="uprobe:${libcPath}:malloc"]`);
      await hit.waitFor({ timeout: 15_000 });
      await hit.click();
      await page.locator('[data-testid="probe-insert"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid="probe-pid-hint"]').innerText()).toContain(`-p ${napper.pid}`);
      await page.screenshot({ path: path.join(SHOTS, `probe-target-${width}.png`) });
      await page.click('[data-testid="probe-insert"]');
      const runPid = () => page.evaluate<string>(`(JSON.parse(localStorage.getItem('kscope.runOptions') || '{}').pid) || ''`);
      await expect.poll(runPid).toBe(String(napper.pid));
      expect(suite.errors).toEqual([]);
    });

    it('remembers libc among the recent binaries, and × goes back to every probe', async () => {
      const page = suite.page;
      await page.click('[data-testid="probe-target-clear"]');
      await expect.poll(() => page.locator('[data-testid="probe-target"]').count()).toBe(0);
      await page.click('[data-testid="probe-target-button"]');
      await page.fill('[data-testid="probe-picker-filter"]', '');
      const recent = page.locator('[data-testid="probe-picker-recent"]');
      await expect.poll(() => recent.first().getAttribute('data-path'), { timeout: 10_000 }).toMatch(/\/libc\.so\.6$/);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('[data-testid="probe-picker"]').count()).toBe(0);
      expect(suite.errors).toEqual([]);
    });

    it('a glob in the path lists what bpftrace -l lists, says how many files it read, and a too-broad one says how to narrow it', async () => {
      const page = suite.page;
      const pattern = 'usdt:/usr/lib/x86_64-linux-gnu/*:*';
      await page.fill('[data-testid="probe-search"]', pattern);
      const results = page.locator('[data-testid="probe-result"]');
      await expect.poll(() => results.count(), { timeout: 60_000 }).toBeGreaterThan(0);
      await expect.poll(() => page.locator('[data-testid="probe-search-notes"]').innerText(), { timeout: 15_000 }).toMatch(/files? matched the path/);
      if (process.getuid?.() === 0) {
        const listed = spawnSync('/usr/bin/bpftrace', ['-l', pattern], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
        expect(await page.locator('[data-testid="probe-result-count"]').innerText()).toBe(`${listed.length} matches`);
      }
      await page.screenshot({ path: path.join(SHOTS, `probe-glob-${width}.png`) });
      await page.fill('[data-testid="probe-search"]', 'uprobe:/usr/*/*/*:malloc');
      await expect.poll(() => page.locator('.probe-error').innerText(), { timeout: 30_000 }).toMatch(/Search failed: .*(narrow the path|put fewer \*)/);
      await page.fill('[data-testid="probe-search"]', '');
      expect(suite.errors).toEqual([]);
    });
  });
}
