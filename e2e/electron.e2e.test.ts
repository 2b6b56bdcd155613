// The same journey in the Electron app, where its binary exists (it downloads lazily and
// cannot here). Skips with the reason printed otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, OUTPUT_DIR } from './serve.js';

const ELECTRON_BIN = path.resolve('node_modules/electron/dist/electron');
const skip = !fs.existsSync(ELECTRON_BIN)
  ? `the Electron binary is not present (${ELECTRON_BIN}); Electron downloads it on first run, which needs internet`
  : !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
    ? 'no display (set DISPLAY, e.g. under xvfb-run)'
    : null;
if (skip) console.warn(`skipping Electron e2e: ${skip}`);

describe.skipIf(skip !== null)('Electron app', () => {
  it('opens the hardened window with an example, exposes window.kscope, and runs lesson 2', async () => {
    ensureBuilt();
    const app = await electron.launch({ executablePath: ELECTRON_BIN, args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '.'] });
    try {
      const page = await app.firstWindow();
      await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
      expect(await page.evaluate(() => typeof (globalThis as { kscope?: { run?: unknown } }).kscope?.run)).toBe('function');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      await page.selectOption('[data-testid="example-select"]', 'lesson-2');
      await page.click('[data-testid="run-button"]');
      await expect.poll(() => page.locator('[data-testid="printf-log"]').innerText(), { timeout: 15_000 }).toContain('hello world');
      fs.mkdirSync(OUTPUT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT_DIR, 'electron.png') });
    } finally {
      await app.close();
    }
  });
});
