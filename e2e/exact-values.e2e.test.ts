// What bpftrace printed, shown exactly in a real Chromium over the real `kscope serve`:
// int64 limits digit for digit, UTF-8 map keys and printf text (bpftrace escapes their
// bytes as \uffffffXX), tuple keys that print alike kept apart. Screenshots at 1,280 and 1,920 px.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, openApp, OUTPUT_DIR, type OpenApp, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: the run uses bpftrace' : null);
if (skip) console.warn(`skipping e2e exact values: ${skip}`);

// Braces on their own lines, as journey.e2e types them (the editor auto-closes "{" typed after text).
const SCRIPT = [
  'BEGIN',
  '{',
  '  printf("café %s\\n", "中文文件名");',
  '  @max = sum(0x7fffffffffffffff);',
  '  @k["café"] = count(); @k["中文"] = count(); @k["中文"] = count();',
  '  @big["x"] = sum(0x7fffffffffffffff); @big["y"] = sum(5);',
  '  @t["a,b", "c"] = 1; @t["a", "b,c"] = 2;',
  '  exit();',
  '}',
  '',
].join('\n');

describe.skipIf(skip !== null)('exact values in the live views', () => {
  let app: OpenApp;

  beforeAll(async () => {
    app = await openApp({ width: 1280, height: 900 }, '.monaco-editor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows int64 limits, UTF-8 keys and text, and both tuple keys', async () => {
    const page = app.page;
    await setScript(page, SCRIPT);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('[data-testid="status-state"]').innerText(), { timeout: 30_000 }).toMatch(/exited/i);
    const body = async () => page.locator('body').innerText();
    await expect.poll(body, { timeout: 15_000 }).toContain('9,223,372,036,854,775,807');
    const text = await body();
    expect(text).toContain('café 中文文件名');
    expect(text).toContain('café');
    expect(text).toContain('中文');
    expect(text).not.toMatch(/\uffff|ffc3/);
    expect(text.match(/a,b,c/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'exact-values-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'exact-values-1920.png'), fullPage: true });
  });
});
