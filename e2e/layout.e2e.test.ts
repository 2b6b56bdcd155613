// The layout in Chromium over the real `kscope serve`: at 1,280, 1,440 and 1,920 px nothing
// scrolls sideways and no control of the top bar is clipped or off-screen; the splitters
// move and are remembered across a reload; the flame graph fills the window when maximized.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, launchChromium, OUTPUT_DIR, startServe, type Served } from './serve.js';
import type { Browser } from 'playwright-core';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping layout e2e: ${skip}`);

interface Clipped {
  what: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Every visible control of the top and replay bars that is not wholly inside the window, or
 * is cut by an ancestor that hides overflow; plus the page's horizontal overflow.
 */
const clippedControls = (page: Page): Promise<{ overflowX: number; clipped: Clipped[] }> =>
  page.evaluate(`(() => {
    const vw = window.innerWidth;
    const clipped = [];
    for (const el of document.querySelectorAll('.top-bar button, .top-bar select, .top-bar input, .top-bar label, .replay-bar button, .replay-bar .lib-badge, .pane-header button')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      let cut = r.left < 0 || r.right > vw + 0.5 || r.top < 0 || r.bottom > window.innerHeight;
      for (let a = el.parentElement; a && !cut; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
        const ar = a.getBoundingClientRect();
        if (r.left < ar.left - 0.5 || r.right > ar.right + 0.5 || r.top < ar.top - 0.5 || r.bottom > ar.bottom + 0.5) cut = true;
      }
      if (cut) clipped.push({ what: (el.getAttribute('data-testid') || el.textContent || el.tagName).trim().slice(0, 40), left: r.left, right: r.right, top: r.top, bottom: r.bottom });
    }
    const overflowX = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth, document.querySelector('.app').scrollWidth) - vw;
    return { overflowX, clipped };
  })()`);

describe.skipIf(skip !== null)('layout', () => {
  let served: Served;
  let browser: Browser;
  beforeAll(async () => {
    served = await startServe();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  for (const width of [1280, 1440, 1920]) {
    it(`fits ${width} px: no horizontal scroll, no clipped control`, async () => {
      const page = await browser.newPage({ colorScheme: 'dark', viewport: { width, height: 860 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(served.url);
      await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
      await page.locator('[data-testid="run-button"]').waitFor();
      // The example and its description are in the bar (the widest it gets).
      await page.locator('.example-desc').waitFor({ state: 'attached', timeout: 15_000 });
      await page.locator('[data-testid="probe-tree"]').waitFor({ timeout: 30_000 });
      const r = await clippedControls(page);
      expect(r.clipped).toEqual([]);
      expect(r.overflowX).toBeLessThanOrEqual(0);
      // Run and the shortcuts help are on screen and clickable where they are.
      for (const id of ['run-button', 'shortcuts-help']) {
        const box = (await page.locator(`[data-testid="${id}"]`).boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(width);
      }
      await page.screenshot({ path: path.join(OUTPUT_DIR, `layout-${width}.png`) });
      await page.click('[data-testid="shortcuts-help"]');
      await page.locator('[data-testid="shortcuts-popover"]').waitFor();
      expect(await page.evaluate('window.scrollX')).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('splitters move, and the sizes are remembered after a reload', async () => {
    const page = await browser.newPage({ colorScheme: 'dark', viewport: { width: 1440, height: 900 } });
    await page.goto(served.url);
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
    const mapsHeight = async () => (await page.locator('[data-pane="maps"]').boundingBox())!.height;
    const leftWidth = async () => (await page.locator('[data-pane="editor"]').boundingBox())!.width;
    const h0 = await mapsHeight();
    const w0 = await leftWidth();
    // Drag the maps/output splitter down 120 px and the main splitter right 100 px.
    for (const [id, dx, dy] of [
      ['splitter-maps', 0, 120],
      ['splitter', 100, 0],
    ] as const) {
      const b = (await page.locator(`[data-testid="${id}"]`).boundingBox())!;
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2 + dx, b.y + b.height / 2 + dy, { steps: 8 });
      await page.mouse.up();
    }
    await expect.poll(mapsHeight).toBeGreaterThan(h0 + 100);
    await expect.poll(leftWidth).toBeGreaterThan(w0 + 80);
    const h1 = await mapsHeight();
    const w1 = await leftWidth();
    await page.reload();
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
    await expect.poll(async () => Math.abs((await mapsHeight()) - h1)).toBeLessThan(3);
    await expect.poll(async () => Math.abs((await leftWidth()) - w1)).toBeLessThan(3);
    await page.evaluate('localStorage.clear()');
    await page.close();
  });

  it('the flame graph fills the window when maximized, and comes back', async () => {
    const page = await browser.newPage({ colorScheme: 'dark', viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
    // A profile to show: pasted folded stacks, imported and opened as a replay.
    await page.keyboard.press('Control+r');
    await page.click('[data-testid="library-import"]');
    await page.fill('[data-testid="import-text"]', 'main;work;compute 30\nmain;idle 10\nmain;work;io 5\n');
    await page.selectOption('[data-testid="import-format"]', 'folded');
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-testid="flame-graph"] g.frame').first().waitFor({ timeout: 15_000 });
    const chartWidth = async () => (await page.locator('[data-testid="flame-graph"]').boundingBox())!.width;
    const before = await chartWidth();
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'layout-import-replay-1280.png') });
    expect((await clippedControls(page)).clipped).toEqual([]);
    await page.click('[data-testid="maximize-flame"]');
    const pane = (await page.locator('[data-pane="flame"]').boundingBox())!;
    expect(pane.x).toBe(0);
    expect(pane.width).toBe(1280);
    // The chart follows (minus the top-functions table beside it).
    await expect.poll(chartWidth).toBeGreaterThan(before + 300);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'layout-flame-maximized-1280.png') });
    expect((await clippedControls(page)).clipped).toEqual([]);
    await page.keyboard.press('Control+Shift+M');
    await expect.poll(async () => (await page.locator('[data-pane="flame"]').boundingBox())!.width).toBeLessThan(1000);
    await page.close();
  });
});
