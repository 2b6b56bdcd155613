// The user's journey in a real Chromium over the real `kscope serve`: load lesson 4, run
// it, watch the table update live, stop; a script with an error gets a marker on its line.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, openApp, OUTPUT_DIR, type OpenApp, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: the journey runs bpftrace' : null);
if (skip) console.warn(`skipping e2e journey: ${skip}`);

describe.skipIf(skip !== null)('browser mode journey', () => {
  let app: OpenApp;
  let page: Page;

  beforeAll(async () => {
    app = await openApp({ width: 1440, height: 900 }, '.monaco-editor');
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('opens with an example loaded', async () => {
    await expect.poll(() => page.locator('.view-lines').innerText(), { timeout: 10_000 }).toMatch(/tracepoint|BEGIN|profile/);
  });

  it('runs lesson 4 and shows process names with counts that update, then stops', async () => {
    await page.selectOption('[data-testid="example-select"]', 'lesson-4');
    await expect.poll(() => page.locator('.view-lines').innerText()).toContain('raw_syscalls:sys_enter');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 15_000 }).toMatch(/running/i);
    const rows = page.locator('[data-testid="map-row"]');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const total = async () => {
      const texts = await rows.allInnerTexts();
      return texts.map((t) => Number((/(\d[\d,]*)\s*$/.exec(t.replace(/\s+$/, ''))?.[1] ?? '0').replace(/,/g, ''))).reduce((a, b) => a + b, 0);
    };
    const first = await total();
    expect(first).toBeGreaterThan(0);
    await expect.poll(total, { timeout: 15_000 }).toBeGreaterThan(first);
    const names = (await rows.allInnerTexts()).join('\n');
    expect(names).toMatch(/bpftrace|node|chromium|kscope/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'lesson-4-live.png') });
    await page.keyboard.press('Escape');
    await page.click('[data-testid="stop-button"]').catch(() => {}); // Esc may already have stopped it
    await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 15_000 }).toMatch(/exited/i);
    expect(fs.readdirSync(path.join(app.served.dataHome, 'kscope', 'recordings')).length).toBeGreaterThan(0);
  });

  it('shows a bpftrace error as a marker on the right line', async () => {
    await setScript(page, 'BEGIN\n{\n  @x = nosuchfunc(1);\n}\n');
    await page.keyboard.press('Control+Enter');
    const problems = page.locator('[data-testid="problems"]');
    await expect.poll(() => problems.innerText(), { timeout: 15_000 }).toMatch(/Unknown function: nosuchfunc/);
    expect(await problems.innerText()).toMatch(/3:\d+/);
    const squiggle = page.locator('.squiggly-error').first();
    await squiggle.waitFor({ timeout: 10_000 });
    const sq = (await squiggle.boundingBox())!;
    const lines = page.locator('.view-line');
    let lineText = '';
    for (let i = 0; i < (await lines.count()); i++) {
      const b = (await lines.nth(i).boundingBox())!;
      if (Math.abs(b.y - sq.y) < b.height / 2) lineText = await lines.nth(i).innerText();
    }
    expect(lineText).toContain('nosuchfunc');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'error-marker.png') });
  });
});
