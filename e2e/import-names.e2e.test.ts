// Imports in Chromium over the real host and the typed fake backend (no kernel, no root; the
// library is the real one): a file imported twice gets two names of its own (file · format ·
// time, then " (2)"), and an opened import shows its note in the editor, not the script that
// was there before (which comes back when the replay closes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR, setScript } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping import-names e2e: ${skip}`);

const editorText = async (page: Page) => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');

describe.skipIf(skip !== null)('import names and the editor beside an import', () => {
  const suite = appForSuite({ width: 1280, height: 800 }, '.monaco-editor', 'fake');
  const { errors } = suite;
  let page: Page;
  beforeAll(() => {
    page = suite.page;
  });

  it('names each import apart and shows the import’s note, not the previous script', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-import-e2e-'));
    const file = path.join(dir, 'cpu-before.folded');
    fs.writeFileSync(file, 'main;work;compute 30\nmain;idle 10\n');
    // The user's own script in the editor.
    await setScript(page, 'tracepoint:syscalls:sys_enter_openat { @mine = count(); }\n');

    const names: string[] = [];
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press('Control+r');
      await page.click('[data-testid="library-import"]');
      await page.locator('[data-testid="import-dialog"]').waitFor();
      await page.locator('[data-testid="import-dialog"] input[type="file"]').setInputFiles(file);
      await expect.poll(() => page.locator('[data-testid="import-text"]').inputValue()).toContain('main;work;compute 30');
      // The name field is left to kscope: its hint says what it will be.
      expect(await page.locator('[data-testid="import-name"]').getAttribute('placeholder')).toContain('cpu-before.folded');
      await page.keyboard.press('Control+Enter');
      await page.locator('[data-testid="replay-bar"]').waitFor({ timeout: 15_000 });
      names.push(await page.locator('[data-testid="replay-name"]').innerText());
      // The editor holds the import's note, and says so; the user's script is not shown as the import's.
      await expect.poll(() => editorText(page)).toContain('imported folded stacks from cpu-before.folded');
      expect(await editorText(page)).not.toContain('@mine');
      expect(await page.locator('[data-testid="script-not-from-import"]').innerText()).toMatch(/note/);
      if (i === 0) await page.screenshot({ path: path.join(OUTPUT_DIR, 'import-note-1280.png') });
      await page.click('[data-testid="replay-close"]');
      await expect.poll(() => page.locator('[data-testid="replay-bar"]').count()).toBe(0);
      // Closed: the user's script is back.
      await expect.poll(() => editorText(page)).toContain('@mine');
    }
    expect(names[0]).toMatch(/^cpu-before\.folded · folded stacks · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(names[1]).not.toBe(names[0]);
    expect(names[1]).toMatch(/^cpu-before\.folded · folded stacks · /);
    // The library lists both, apart.
    await page.keyboard.press('Control+r');
    const listed = await page.locator('[data-testid="library-name"]').allInnerTexts();
    expect(listed.filter((n) => n.startsWith('cpu-before.folded'))).toHaveLength(2);
    expect(new Set(listed).size).toBe(listed.length);
    await page.keyboard.press('Escape');
    fs.rmSync(dir, { recursive: true, force: true });
    expect(errors).toEqual([]);
  });
});
