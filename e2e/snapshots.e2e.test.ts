// The script's own prints in a real Chromium over the real `kscope serve` (issue 10, item 3):
// with `interval { print(@, 5); clear(@); }` the table shows bpftrace's top 5, badged
// "printed by the script", with no rate; and Profile CPU starts with kernel stacks on all
// CPUs, user stacks once a process is chosen (item 4). Screenshots at 1280 and 1920 px.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, openApp, OUTPUT_DIR, type OpenApp, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: the run starts bpftrace' : null);
if (skip) console.warn(`skipping e2e snapshots: ${skip}`);

const IDIOM = 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }\ninterval:ms:500 { print(@, 5); clear(@); }\n';

for (const width of [1280, 1920]) {
  describe.skipIf(skip !== null)(`the script's own prints at ${width} px`, () => {
    let app: OpenApp;
    beforeAll(async () => {
      app = await openApp({ width, height: width === 1280 ? 800 : 1080 }, '.monaco-editor');
    });
    afterAll(async () => {
      await app?.close();
    });

    it('print(@, 5); clear(@): the table shows bpftrace\'s top 5, badged, without a rate', async () => {
      const page = app.page;
      await setScript(page, IDIOM);
      await page.keyboard.press('Control+Enter');
      const section = page.locator('section.map[data-map="@"]');
      await expect.poll(() => section.locator('[data-testid="printed-by-script"]').count(), { timeout: 20_000 }).toBe(1);
      await page.waitForTimeout(1200); // a few ticks
      const rows = await section.locator('[data-testid="map-row"], .ct-row').count();
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThanOrEqual(5);
      const rates = await section.locator('[data-testid="rate-cell"]').allInnerTexts();
      expect(rates.every((r) => !/\d/.test(r))).toBe(true); // per-tick values: no rate
      await page.screenshot({ path: path.join(OUTPUT_DIR, `printed-by-script-${width}.png`) });
      await page.keyboard.press('Escape');
      await page.click('[data-testid="stop-button"]').catch(() => {});
      await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 20_000 }).toMatch(/exited/i);
    });

    it('Profile CPU: kernel stacks on all CPUs; kernel + user for a chosen process', async () => {
      const page = app.page;
      await page.click('[data-testid="profile-button"]');
      const stacks = page.locator('[data-testid="profile-stacks"]');
      expect(await stacks.inputValue()).toBe('kernel');
      expect(await page.locator('.profile-preview').innerText()).toContain('@[kstack, comm] = count()');
      await page.screenshot({ path: path.join(OUTPUT_DIR, `profile-defaults-${width}.png`) });
      await page.selectOption('[data-testid="profile-scope"]', 'comm');
      expect(await stacks.inputValue()).toBe('both');
      await page.fill('[data-testid="profile-scope-value"]', 'node');
      expect(await page.locator('.profile-preview').innerText()).toContain('/comm == "node"/ { @[kstack, ustack, comm] = count(); }');
      await page.keyboard.press('Escape');
    });
  });
}
