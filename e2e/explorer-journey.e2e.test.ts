// One user's walk through the explorer, in Chromium over the real `kscope serve` and the
// real bpftrace, one page from start to end: the layout fits; the theme switches; the editor
// completes struct members from BTF; the probe browser picks a running process and its libc;
// a script with $1 runs with its parameter and the status bar counts its output; the output
// is filtered; a CPU profile draws its user-space samples and fills the window; its
// recording downloads as folded stacks; the script is saved as a .bt. At each step the page
// is shot at 1,280 and 1,920 px into docs/screenshots/journey-*.png (the README's tour).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, setScript } from './serve.js';
import { namedSleepForFile, SLEEP } from './named-process.js';

const SHOTS = path.resolve('docs/screenshots');
const NAME = 'kscope-journey'; // under 15 bytes: the kernel's comm keeps it whole
const skip = e2eSkipReason() ?? (process.getuid?.() !== 0 ? 'needs root: the journey runs bpftrace' : !SLEEP ? 'no sleep binary to start' : null);
if (skip) console.warn(`skipping the explorer journey: ${skip}`);

const state = (page: Page) => page.locator('[data-testid="status-state"]').innerText();
const draft = (page: Page) => page.evaluate<string>(`JSON.parse(localStorage.getItem('kscope.draft') || '{"source":""}').source`);
const suggestions = (page: Page) =>
  page.evaluate<string[]>(`[...document.querySelectorAll('.suggest-widget.visible .monaco-list-row .label-name')].map((e) => e.textContent)`);

/** Nothing wider than the window: no sideways scroll of the app. */
async function fits(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.scrollingElement.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth');
}

/** The page at 1,280 and at 1,920 px (then back to 1,280), each checked to fit. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const [width, height] of [[1920, 1080], [1280, 800]] as const) {
    await page.setViewportSize({ width, height });
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    expect(await fits(page), `${name} fits ${width} px`).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, `journey-${name}-${width}.png`) });
  }
}

const napper = namedSleepForFile(NAME, skip !== null);

describe.skipIf(skip !== null)('the explorer, one journey', () => {
  const suite = appForSuite({ width: 1280, height: 800 });

  it('opens to a layout that fits, and switches to the light theme and back', async () => {
    const { page } = suite;
    await expect.poll(() => page.locator('.view-lines').innerText(), { timeout: 15_000 }).toMatch(/tracepoint|BEGIN|profile/);
    await shoot(page, '1-open');
    const choice = () => page.locator('[data-testid="theme-button"]').getAttribute('data-choice');
    const bg = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    const dark = await bg();
    // Alt+Shift+T cycles system → light → dark.
    for (let i = 0; i < 3 && (await choice()) !== 'light'; i++) await page.keyboard.press('Alt+Shift+T');
    expect(await choice()).toBe('light');
    await expect.poll(bg).not.toBe(dark);
    await shoot(page, '2-light');
    for (let i = 0; i < 3 && (await choice()) !== 'dark'; i++) await page.keyboard.press('Alt+Shift+T');
    await expect.poll(bg).toBe(dark);
  });

  it('completes curtask-> with struct task_struct\'s members from this kernel\'s BTF', async () => {
    const { page } = suite;
    // The completion depends on the host's bpftrace version: wait until the status bar has it.
    await expect.poll(() => page.locator('[data-testid="status-bar"]').innerText(), { timeout: 20_000 }).toMatch(/bpftrace \d/);
    await setScript(page, 'tracepoint:syscalls:sys_enter_openat\n{\n  printf("%s\\n", ');
    await page.keyboard.type('curtask->com');
    await expect.poll(() => suggestions(page), { timeout: 20_000 }).toContain('comm');
    await shoot(page, '3-btf-members');
    await page.keyboard.press('Escape');
  });

  it('picks a running process, browses its libc\'s uprobes, and Insert sets -p PID', async () => {
    const { page } = suite;
    await setScript(page, '// a probe from the browser\n');
    await page.click('[data-testid="probe-target-button"]');
    await page.fill('[data-testid="probe-picker-filter"]', NAME);
    const row = page.locator(`[data-testid="probe-picker-process"][data-pid="${napper.pid}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    const libc = page.locator('[data-testid="probe-picker-object"][data-path$="/libc.so.6"]');
    await libc.waitFor({ timeout: 15_000 });
    const libcPath = (await libc.getAttribute('data-path'))!;
    await libc.click();
    await page.fill('[data-testid="probe-search"]', 'malloc');
    const hit = page.locator(`[data-testid="probe-result"][data-name="uprobe:${libcPath}:malloc"]`);
    await hit.waitFor({ timeout: 30_000 });
    await hit.click();
    await page.locator('[data-testid="probe-insert"]').waitFor({ timeout: 15_000 });
    await shoot(page, '4-process-picker');
    await page.click('[data-testid="probe-insert"]');
    await expect.poll(() => draft(page)).toContain(`uprobe:${libcPath}:malloc`);
    const runPid = () => page.evaluate<string>(`String(JSON.parse(localStorage.getItem('kscope.runOptions') || '{}').pid ?? '')`);
    await expect.poll(runPid).toBe(String(napper.pid));
    // Back to every probe and no PID for the runs that follow.
    await page.click('[data-testid="probe-target-clear"]');
    await page.fill('[data-testid="probe-search"]', '');
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-options-clear"]');
    await page.click('[data-testid="run-options-button"]');
    await expect.poll(runPid).toBe('');
  });

  it('runs a script with $1 from the options form; the status bar counts its printf lines; the output filters', async () => {
    const { page } = suite;
    await setScript(page, 'interval:ms:5 { @n = @n + 1; printf("%s %d\\n", str($1), @n); if (@n >= 300) { exit(); } }\n');
    await page.keyboard.press('Control+Enter');
    // Not started without $1: the form asks for it.
    await page.locator('[data-testid="run-arg-1"]').waitFor({ timeout: 10_000 });
    await page.fill('[data-testid="run-arg-1"]', 'journey');
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-button"]');
    // The toast that asked for $1 is gone once the run starts with it.
    await expect.poll(() => page.locator('[data-testid="toast"]', { hasText: '$1' }).count()).toBe(0);
    await expect.poll(() => state(page), { timeout: 30_000 }).toMatch(/exited/i);
    // 300 printf lines are the run's output events (the map prints are not).
    await expect.poll(() => page.locator('[data-testid="status-events"]').innerText()).toBe('300');
    await page.click('[data-testid="log-regex"]');
    await page.fill('[data-testid="log-search"]', '^journey 2\\d\\d$');
    await page.click('[data-testid="log-filter"]');
    await expect.poll(() => page.locator('[data-testid="log-hits"]').innerText(), { timeout: 10_000 }).toMatch(/^100 in run/);
    const shown = await page.locator('[data-testid="printf-line"]').allInnerTexts();
    expect(shown.length).toBeGreaterThan(0);
    for (const l of shown) expect(l).toMatch(/journey 2\d\d/);
    await shoot(page, '5-run-filtered');
    await page.click('[data-testid="log-filter"]');
    await page.fill('[data-testid="log-search"]', '');
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-options-clear"]');
    await page.click('[data-testid="run-options-button"]');
  });

  it('profiles the CPU: user-space samples are drawn, the flame graph fills the window', async () => {
    const { page } = suite;
    await setScript(page, 'profile:hz:99 { @cpu[kstack] = count(); }\n');
    await page.click('[data-testid="run-options-button"]');
    await page.fill('[data-testid="run-duration"]', '3');
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-button"]');
    await expect.poll(() => state(page), { timeout: 30_000 }).toMatch(/exited/i);
    await page.locator('[data-testid="flame-graph"] g.frame').first().waitFor({ timeout: 15_000 });
    const user = page.locator('[data-testid="flame-graph"] g.frame', { hasText: '[user space]' });
    await expect.poll(() => user.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.click('[data-testid="maximize-flame"]');
    await shoot(page, '6-flame-maximized');
    await page.click('[data-testid="maximize-flame"]');
    await page.click('[data-testid="run-options-button"]');
    await page.click('[data-testid="run-options-clear"]');
    await page.click('[data-testid="run-options-button"]');
  });

  it('downloads the profile\'s recording as folded stacks: the browser receives the exported bytes', async () => {
    const { page } = suite;
    await page.keyboard.press('Control+r');
    await page.locator('[data-testid="library"]').waitFor();
    await page.locator('[data-testid="library-open"]').first().click();
    await page.locator('[data-testid="replay-bar"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="replay-bar"] [data-testid="export-button"]').click();
    const item = page.locator('[data-testid="export-folded"]');
    await item.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), item.click()]);
    const received = fs.readFileSync((await download.path())!, 'utf8');
    const onDisk = fs.readFileSync(path.join(suite.app.served.dataHome, 'kscope', 'exports', download.suggestedFilename()), 'utf8');
    expect(received).toBe(onDisk);
    const lines = received.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^\S.* \d+$/);
    // The samples with no kernel frame are in the file too, by name.
    expect(lines.some((l) => l.startsWith('[empty stack] ') || l.startsWith('[user space] '))).toBe(true);
    await shoot(page, '7-replay-export');
    await page.click('[data-testid="replay-close"]');
  });

  it('saves the script as a .bt file (Ctrl+S), received as a download', async () => {
    const { page } = suite;
    // Chromium's native save dialog cannot be answered here: the page falls back to a download.
    await page.evaluate('delete window.showSaveFilePicker');
    await page.click('.monaco-editor .view-lines');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.keyboard.press('Control+S')]);
    expect(download.suggestedFilename()).toMatch(/\.bt$/);
    const saved = fs.readFileSync((await download.path())!, 'utf8');
    expect(saved).toBe(await draft(page));
    expect(saved).toContain('profile:hz:99');
    expect(suite.errors).toEqual([]);
  });
});
