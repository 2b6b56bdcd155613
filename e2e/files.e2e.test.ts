// Scripts as files in Chromium over the real `kscope serve`: the editor comes back after a
// reload, an example asks before replacing unsaved edits (and starts at its left edge),
// Ctrl+S saves a .bt (received as a download: the page has no file-system access here) and
// Ctrl+O opens one (through the file chooser); both land in the recent list.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason, launchChromium, OUTPUT_DIR, startServe, type Served } from './serve.js';

const skip = e2eSkipReason();
if (skip) console.warn(`skipping files e2e: ${skip}`);

/** The editor's whole text, as the page keeps it for a reload (written 250 ms after a change). */
const editorText = (page: Page) => page.evaluate<string>(`JSON.parse(localStorage.getItem('kscope.draft') || '{"source":""}').source`);
/** The lines Monaco shows (spaces are no-break spaces there). */
const viewText = async (page: Page) => (await page.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');

describe.skipIf(skip !== null)('scripts as files', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  beforeAll(async () => {
    served = await startServe();
    browser = await launchChromium();
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    // Drive the fallbacks Playwright can answer (file input, download), not the native pickers.
    await context.addInitScript('delete window.showOpenFilePicker; delete window.showSaveFilePicker;');
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(served.url);
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('restores the editor after a reload', async () => {
    await expect.poll(() => viewText(page), { timeout: 15_000 }).toContain('raw_syscalls:sys_enter');
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\n// my edit, kept across reloads\n');
    await expect.poll(() => page.locator('[data-testid="script-file-name"]').innerText()).toMatch(/unsaved/);
    await expect.poll(() => editorText(page)).toContain('my edit, kept across reloads');
    await page.reload();
    await page.waitForSelector('.monaco-editor', { timeout: 30_000 });
    // The example list has arrived (it would have replaced an empty editor by now)...
    await expect.poll(() => page.locator('[data-testid="example-select"] option[value="lesson-2"]').count(), { timeout: 15_000 }).toBe(1);
    await page.waitForTimeout(500);
    // ...and the editor still holds the edited text.
    await expect.poll(() => editorText(page), { timeout: 15_000 }).toContain('my edit, kept across reloads');
    expect(await viewText(page)).toContain('Lesson 4');
    await expect.poll(() => page.locator('[data-testid="script-file-name"]').innerText()).toMatch(/unsaved/);
  });

  it('asks before an example replaces unsaved edits; the new script starts at its left edge', async () => {
    await expect.poll(() => page.locator('[data-testid="example-select"] option[value="lesson-2"]').count(), { timeout: 15_000 }).toBe(1);
    // A long line scrolled to its end: the editor scrolls sideways.
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(`// ${'x'.repeat(400)}`);
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate<string>(`document.querySelector('.monaco-editor .lines-content').style.left`)).not.toMatch(/^(0px|)$/);

    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await page.selectOption('[data-testid="example-select"]', 'lesson-2');
    await expect.poll(() => asked).toMatch(/unsaved edits/);
    expect(await editorText(page)).toContain('my edit, kept across reloads');

    page.once('dialog', (d) => void d.accept());
    await page.selectOption('[data-testid="example-select"]', 'lesson-2');
    await expect.poll(() => editorText(page)).toContain('printf("hello world');
    expect(await editorText(page)).not.toContain('my edit');
    await expect.poll(() => page.evaluate<string>(`document.querySelector('.monaco-editor .lines-content').style.left`)).toMatch(/^(0px|)$/);
    // An unedited example is replaced without a question.
    await page.selectOption('[data-testid="example-select"]', 'lesson-4');
    await expect.poll(() => editorText(page)).toContain('raw_syscalls:sys_enter');
  });

  it('Ctrl+S saves the script as a .bt file', async () => {
    await page.click('.monaco-editor .view-lines');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+S')]);
    expect(download.suggestedFilename()).toBe('lesson-4.bt');
    const saved = fs.readFileSync((await download.path())!, 'utf8');
    await expect.poll(() => editorText(page)).toBe(saved);
    expect(saved).toContain('raw_syscalls:sys_enter');
    await expect.poll(() => page.locator('[data-testid="script-file-name"]').innerText()).toBe('lesson-4.bt');
  });

  it('Ctrl+O opens a .bt file; both are in the recent list', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-files-'));
    const file = path.join(dir, 'opensnoop.bt');
    const text = 'tracepoint:syscalls:sys_enter_openat { printf("%s %s\\n", comm, str(args->filename)); }\n';
    fs.writeFileSync(file, text);
    await page.click('.monaco-editor .view-lines');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+O')]);
    await chooser.setFiles(file);
    await expect.poll(() => viewText(page)).toContain('sys_enter_openat');
    await expect.poll(() => editorText(page)).toBe(text);
    await expect.poll(() => page.locator('[data-testid="script-file-name"]').innerText()).toBe('opensnoop.bt');
    await page.click('[data-testid="script-recent"]');
    const items = await page.locator('[data-testid="script-recent-menu"] [role="menuitem"]').allInnerTexts();
    expect(items.map((t) => t.split('\n')[0].trim())).toEqual(['opensnoop.bt', 'lesson-4.bt']);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'script-files-1280.png') });
    // Reopen the saved lesson from the list (no unsaved edits: no question).
    await page.locator('[data-testid="script-recent-menu"] [role="menuitem"]', { hasText: 'lesson-4.bt' }).click();
    await expect.poll(() => viewText(page)).toContain('raw_syscalls:sys_enter');
    fs.rmSync(dir, { recursive: true, force: true });
    expect(errors).toEqual([]);
  });
});
