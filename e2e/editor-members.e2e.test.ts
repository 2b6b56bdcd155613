// Struct members from this kernel's BTF in the editor, in Chromium over the real
// `kscope serve`: `curtask->` completes struct task_struct (pid, comm char[16]), a
// variable cast to a struct follows pointer members, and hover names a member's type and
// struct. Screenshots at 1,280 and 1,920 px are kept as e2e/output/editor-members-*.png
// (docs/screenshots/ holds the ones the README shows).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appForSuite, e2eSkipReason, OUTPUT_DIR, setScript } from './serve.js';

const skip = e2eSkipReason() ?? (fs.existsSync('/sys/kernel/btf/vmlinux') ? null : 'no kernel BTF at /sys/kernel/btf/vmlinux');
if (skip) console.warn(`skipping editor members e2e: ${skip}`);

const SCRIPT = 'tracepoint:syscalls:sys_enter_openat\n{\n  $t = (struct task_struct *)curtask;\n  printf("%s %s\\n", $t->real_parent->comm,\n    ';

const HOVER_SCRIPT = 'tracepoint:syscalls:sys_enter_openat\n{\n  $t = (struct task_struct *)curtask;\n  printf("%s\\n", $t->real_parent->comm);\n}\n';

/** The labels of the suggestion rows Monaco shows (it renders only the visible ones). */
const suggestions = (page: Page) =>
  page.evaluate<string[]>(`[...document.querySelectorAll('.suggest-widget.visible .monaco-list-row .label-name')].map((e) => e.textContent)`);
/** The type shown beside each visible suggestion. */
const suggestionTypes = (page: Page) =>
  page.evaluate<Record<string, string>>(
    `Object.fromEntries([...document.querySelectorAll('.suggest-widget.visible .monaco-list-row')].map((r) => [r.querySelector('.label-name')?.textContent, r.querySelector('.details-label')?.textContent]))`,
  );

for (const width of [1280, 1920]) {
  describe.skipIf(skip !== null)(`struct members in the editor at ${width} px`, () => {
    const suite = appForSuite({ width, height: 860 });

    it('curtask-> completes struct task_struct from BTF: pid (pid_t) and comm (char[16])', async () => {
      const { page } = suite;
      await setScript(page, SCRIPT);
      await page.keyboard.type('curtask->');
      // The struct in declaration order: its first member comes first.
      await expect.poll(() => suggestions(page), { timeout: 20_000 }).toContain('thread_info');
      await page.keyboard.type('pi');
      await expect.poll(() => suggestions(page)).toContain('pid');
      expect((await suggestionTypes(page)).pid).toBe('pid_t');
      await page.screenshot({ path: path.join(OUTPUT_DIR, `editor-members-${width}.png`) });
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('com');
      await expect.poll(() => suggestions(page)).toContain('comm');
      expect((await suggestionTypes(page)).comm).toBe('char[16]');
      await page.keyboard.press('Escape');
    });

    it('a variable cast to struct task_struct * follows ->mm-> into struct mm_struct', async () => {
      const { page } = suite;
      await setScript(page, SCRIPT);
      await page.keyboard.type('$t->mm->');
      await expect.poll(() => suggestions(page), { timeout: 20_000 }).toContain('mm_count');
      await page.keyboard.type('mm_us');
      await expect.poll(() => suggestions(page)).toContain('mm_users');
      expect((await suggestionTypes(page)).mm_users).toBe('atomic_t');
      await page.keyboard.press('Escape');
    });

    it('choosing a member after curtask. writes curtask-> (the accessor bpftrace 0.17 and 0.23 need)', async () => {
      const { page } = suite;
      await setScript(page, SCRIPT);
      await page.keyboard.type('curtask.pi');
      await expect.poll(() => suggestions(page), { timeout: 20_000 }).toContain('pid');
      await page.keyboard.press('Enter');
      const text = () => page.evaluate<string>(`document.querySelector('.monaco-editor .view-lines').innerText.replace(/\\u00a0/g, ' ')`);
      await expect.poll(text).toContain('curtask->pid');
    });

    it('hover on a member shows its type and struct', async () => {
      const { page } = suite;
      await setScript(page, HOVER_SCRIPT);
      await page.keyboard.press('Escape');
      const comm = page.locator('.monaco-editor .view-line span', { hasText: /^comm$/ }).first();
      await comm.hover();
      const hoverText = () => page.evaluate<string>(`[...document.querySelectorAll('.monaco-hover')].map((e) => e.innerText).join(' | ')`);
      await expect.poll(hoverText, { timeout: 20_000 }).toMatch(/char\[16\] comm/);
      expect(await hoverText()).toMatch(/Member of struct task_struct — offset \d+, size 16/);
      await page.screenshot({ path: path.join(OUTPUT_DIR, `editor-members-hover-${width}.png`) });
      // The struct of a cast: its size and members.
      await page.mouse.move(0, 0);
      await page.locator('.monaco-editor .view-line span', { hasText: /^\s*task_struct\s*$/ }).first().hover();
      await expect.poll(hoverText, { timeout: 20_000 }).toMatch(/struct task_struct — [\d,]+ bytes, \d+ members \(kernel BTF\)/);
      await page.screenshot({ path: path.join(OUTPUT_DIR, `editor-struct-hover-${width}.png`) });
      expect(suite.errors).toEqual([]);
    });
  });
}

// Raw tracepoint args need a bpftrace that has them (0.27; 0.23 refuses them): the host runs
// the one scripts/setup.sh --tests unpacks, and the editor offers them for that version.
const BPFTRACE_27 = '/opt/bpftrace-0.27.1/bpftrace';
const skip27 = skip ?? (fs.existsSync(BPFTRACE_27) ? null : `${BPFTRACE_27} is missing (bash scripts/setup.sh --tests unpacks it)`);
if (skip27 && !skip) console.warn(`skipping raw tracepoint args e2e: ${skip27}`);

describe.skipIf(skip27 !== null)('raw tracepoint args in the editor (bpftrace 0.27)', () => {
  const saved = process.env.KSCOPE_BPFTRACE;
  // Registered before appForSuite's hooks, so the host starts with this bpftrace.
  beforeAll(() => {
    process.env.KSCOPE_BPFTRACE = BPFTRACE_27;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.KSCOPE_BPFTRACE;
    else process.env.KSCOPE_BPFTRACE = saved;
  });
  const suite = appForSuite({ width: 1280, height: 860 });

  it('a raw tracepoint\'s args are its BTF-typed arguments, and args.prev-> is a task', async () => {
    const { page } = suite;
    // The editor offers them once it knows the host's bpftrace version.
    await page.getByText('bpftrace 0.27', { exact: false }).first().waitFor({ timeout: 30_000 });
    await setScript(page, 'rawtracepoint:sched_switch\n{\n  @[');
    await page.keyboard.type('args.');
    await expect.poll(() => suggestions(page), { timeout: 20_000 }).toEqual(expect.arrayContaining(['preempt', 'prev', 'next', 'prev_state']));
    expect((await suggestionTypes(page)).prev).toBe('struct task_struct *');
    await page.keyboard.type('prev->tg');
    await expect.poll(() => suggestions(page)).toContain('tgid');
    await page.keyboard.press('Escape');
  });
});
