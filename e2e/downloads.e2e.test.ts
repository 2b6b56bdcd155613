// Browser-mode downloads: every export format of a recording reaches the browser as a file.
// Chromium over the real `kscope serve` imports pasted folded stacks, then exports them in
// each format from the replay bar; Playwright's download event receives each file, and its
// bytes must be exactly the bytes the host wrote to the exports folder (and be that format).
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, type ExportFormat } from '../common/contract/index.js';
import { appForSuite, e2eSkipReason } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping downloads e2e: ${skip}`);

const FOLDED = 'main;work;compute 30\nmain;idle 10\nmain;work;io 5\n';

/** What each format's bytes must look like (beyond equalling the file on disk). */
const CHECK: Record<ExportFormat, (b: Buffer) => void> = {
  folded: (b) => expect(b.toString('utf8').trim().split('\n').sort()).toEqual(['main;idle 10', 'main;work;compute 30', 'main;work;io 5']),
  speedscope: (b) => expect(JSON.parse(b.toString('utf8')).$schema).toMatch(/speedscope/),
  pprof: (b) => {
    expect([b[0], b[1]]).toEqual([0x1f, 0x8b]); // gzip
    expect(gunzipSync(b).length).toBeGreaterThan(0);
  },
  'chrome-trace': (b) => expect(JSON.parse(b.toString('utf8'))).toBeTruthy(),
  csv: (b) => expect(b.toString('utf8')).toMatch(/compute/),
  svg: (b) => expect(b.toString('utf8')).toMatch(/^<\?xml|^<svg/),
  json: (b) => expect(JSON.parse(b.toString('utf8').split('\n')[0]).type).toBe('header'),
};

const EXT: Record<ExportFormat, string> = { folded: 'folded', speedscope: 'speedscope.json', pprof: 'pb.gz', 'chrome-trace': 'trace.json', csv: 'csv', svg: 'svg', json: 'json' };

describe.skipIf(skip !== null)('browser-mode downloads', () => {
  const suite = appForSuite({ width: 1440, height: 900 });
  let page: Page;
  beforeAll(async () => {
    page = suite.page;
    await page.keyboard.press('Control+r');
    await page.locator('[data-testid="library"]').waitFor();
    await page.click('[data-testid="library-import"]');
    await page.locator('[data-testid="import-dialog"]').waitFor();
    await page.fill('[data-testid="import-text"]', FOLDED);
    await page.selectOption('[data-testid="import-format"]', 'folded');
    await page.fill('[data-testid="import-name"]', 'downloaded profile');
    await page.keyboard.press('Control+Enter');
    // A clean import opens its replay at once.
    await page.locator('[data-testid="replay-bar"]').waitFor();
  });

  for (const format of EXPORT_FORMATS) {
    it(`downloads ${format}: the browser receives the exported bytes`, async () => {
      await page.locator('[data-testid="replay-bar"] [data-testid="export-button"]').click();
      const item = page.locator(`[data-testid="export-${format}"]`);
      await item.waitFor();
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), item.click()]);
      const name = download.suggestedFilename();
      // The file name the host wrote (the recording's id and the format's extension).
      expect(name).toMatch(new RegExp(`^\\d{4}-.*\\.${EXT[format].replace('.', '\\.')}$`));
      const received = fs.readFileSync((await download.path())!);
      const onDisk = fs.readFileSync(path.join(suite.app.served.dataHome, 'kscope', 'exports', name));
      expect(received.length).toBeGreaterThan(0);
      expect(received.equals(onDisk)).toBe(true);
      CHECK[format](received);
      expect(await download.failure()).toBeNull();
    });
  }

  it('F2 and Del work on a recording picked with the mouse', async () => {
    await page.keyboard.press('Control+r');
    await page.locator('[data-testid="library"]').waitFor();
    // The search box has the focus when the dialog opens; a click on the row takes it.
    await page.locator('[data-testid="library-row"] .lib-name, [data-testid="library-name"]').first().click();
    await page.keyboard.press('F2');
    await page.locator('[data-testid="library-rename-input"]').waitFor({ timeout: 5_000 });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="library-rename-input"]').count()).toBe(0);
    await page.locator('[data-testid="library-name"]').first().click();
    await page.keyboard.press('Delete');
    await page.locator('[data-testid="library-confirm"]').waitFor({ timeout: 5_000 });
    // Not deleted: the question is only asked.
    expect(await page.locator('[data-testid="library-row"]').count()).toBe(1);
    await page.keyboard.press('Escape');
  });

  it('refuses a download without the token', async () => {
    const names = fs.readdirSync(path.join(suite.app.served.dataHome, 'kscope', 'exports'));
    expect(names.length).toBe(EXPORT_FORMATS.length);
    const status = await page.evaluate(`fetch('/exports/${encodeURIComponent(names[0])}').then((r) => r.status)`);
    expect(status).toBe(401);
    expect(suite.errors).toEqual([]);
  });
});
