import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capability } from '../common/contract/index.js';
import { exampleRun, loadExamples, missingCapabilities, parseExample } from './examples.js';

const DIR = path.resolve(__dirname, '../resources/examples');
const yes = (reason = 'ok'): Capability => ({ available: true, reason, evidence: [], remedy: null, alternative: null });
const no = (reason: string): Capability => ({ available: false, reason, evidence: [], remedy: null, alternative: null });
const NO_KPROBES = 'the kernel was built without CONFIG_KPROBES (no kprobe_events in tracefs)';

/** This machine: tracepoints, profile, BTF; no kprobes, no kernel headers. */
const HERE: Record<string, Capability> = {
  'probe:tracepoint': yes(),
  'probe:profile': yes(),
  'probe:interval': yes(),
  'probe:BEGIN': yes(),
  'probe:kprobe': no(NO_KPROBES),
  'probe:kretprobe': no(NO_KPROBES),
  btf: yes(),
  'kernel-headers': no("no kernel headers for 6.18: #include <linux/...> fails ('linux/types.h' file not found)"),
};
/** A kernel with everything. */
const FULL: Record<string, Capability> = { ...HERE, 'probe:kprobe': yes(), 'probe:kretprobe': yes(), 'kernel-headers': yes() };

describe('examples', () => {
  it('parses the title and description from the header comment', () => {
    const ex = parseExample('x', '/*\n * Title here\n *\n * Some words.\n */\nBEGIN {}\n');
    expect(ex.title).toBe('Title here');
    expect(ex.description).toBe('Some words.');
    expect(ex.source).toContain('BEGIN {}');
    expect(ex).toMatchObject({ lesson: null, runnable: true, action: 'run', view: 'table', needs: [] });
  });

  it('reads @kscope metadata and strips it from the description', () => {
    const ex = parseExample('lesson-6', '/*\n * T\n *\n * Words.\n *\n * @kscope lesson: 6\n * @kscope needs: kretprobe, kprobe\n * @kscope view: histogram\n *\n * More.\n */\nkretprobe:vfs_read { @ = count(); }\n');
    expect(ex).toMatchObject({ lesson: 6, needs: ['kretprobe', 'kprobe'], view: 'histogram' });
    expect(ex.description).toBe('Words.\n\nMore.');
    expect(ex.description).not.toContain('@kscope');
  });

  it('without a needs line, needs come from the probe specs', () => {
    const ex = parseExample('y', '/*\n * Y\n */\nkprobe:a { } tracepoint:b:c { } interval:s:1 { exit(); } END { }\n');
    expect(ex.needs).toEqual(['kprobe', 'tracepoint', 'interval']);
  });

  it('names every missing capability, headers included', () => {
    expect(missingCapabilities(['kprobe'], '#include <linux/path.h>\nkprobe:vfs_open {}', HERE)).toEqual([
      `kprobe: ${NO_KPROBES}`,
      expect.stringMatching(/^kernel headers: no kernel headers/),
    ]);
    expect(missingCapabilities(['kprobe'], '#include <linux/path.h>\nkprobe:vfs_open {}', FULL)).toEqual([]);
  });

  it('loads the shipped gallery: lessons 1..12 in order, then our own by title', () => {
    const list = loadExamples(DIR, HERE);
    const lessons = list.filter((e) => e.lesson !== null);
    expect(lessons.map((e) => e.lesson)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(list.slice(0, 12)).toEqual(lessons);
    const own = list.slice(12).map((e) => e.title);
    expect(own).toEqual([...own].sort((a, b) => a.localeCompare(b)));
    expect(list.map((e) => e.id)).toEqual(expect.arrayContaining(['syscall-latency', 'file-opens-latency', 'runqueue-latency', 'off-cpu']));
    expect(list.some((e) => e.id.endsWith('.equivalent'))).toBe(false);
    const l4 = list.find((e) => e.id === 'lesson-4')!;
    expect(l4.title).toMatch(/Syscall counts by process/);
    expect(l4.source).toContain('tracepoint:raw_syscalls:sys_enter');
  });

  it('every shipped file parses with a title, a view, a description and a captured output', () => {
    for (const ex of loadExamples(DIR, HERE)) {
      expect(ex.title, ex.id).not.toBe(ex.id);
      expect(ex.view, ex.id).toMatch(/^(printf|table|histogram|flamegraph|stats|probes)$/);
      expect(ex.description, ex.id).toMatch(/USAGE:/);
      expect(ex.description, ex.id).toMatch(/Example output \(captured on this machine, \d{4}-\d\d-\d\d, bpftrace 0\.17\.0/);
      expect(ex.description, ex.id).not.toContain('@kscope');
      if (ex.equivalent) {
        expect(ex.equivalent.title, ex.id).toMatch(/equivalent/);
        expect(ex.equivalent.why, ex.id).toMatch(/kprobe/);
      }
    }
  });

  it('lesson 1 browses probes with its pattern', () => {
    const l1 = loadExamples(DIR, HERE)[0];
    expect(l1).toMatchObject({ id: 'lesson-1', lesson: 1, action: 'browse', pattern: 'tracepoint:syscalls:sys_enter_*', view: 'probes', runnable: true, needs: [] });
  });

  it('without kprobes, lessons 6, 7 and 12 carry the reason and their equivalent', () => {
    const list = loadExamples(DIR, HERE);
    const notRunnable = list.filter((e) => !e.runnable).map((e) => e.id);
    expect(notRunnable).toEqual(['lesson-6', 'lesson-7', 'lesson-12']);
    const l6 = list.find((e) => e.id === 'lesson-6')!;
    expect(l6.needs).toEqual(['kretprobe']);
    expect(l6.reason).toBe(`kretprobe: ${NO_KPROBES}`);
    expect(l6.source).toContain('kretprobe:vfs_read');
    expect(l6.equivalent?.source).toContain('tracepoint:syscalls:sys_exit_read');
    expect(l6.equivalent?.source).toContain('lhist(args->ret, 0, 2000, 200)');
    expect(exampleRun(l6)).toMatchObject({ variant: 'equivalent', reason: l6.reason });
    const l7 = list.find((e) => e.id === 'lesson-7')!;
    expect(l7.reason).toBe(`kprobe, kretprobe: ${NO_KPROBES}`);
    expect(l7.equivalent?.source).toContain('sys_enter_read');
    const l12 = list.find((e) => e.id === 'lesson-12')!;
    expect(l12.source).toContain('#include <linux/path.h>');
    expect(l12.reason).toMatch(/kprobe: .*CONFIG_KPROBES.*; kernel headers: /);
    expect(l12.equivalent?.source).not.toMatch(/^\s*#include/m);
    expect(l12.equivalent?.source).toContain('struct task_struct');
  });

  it('with kprobes and headers, every example is runnable as written, no equivalent needed', () => {
    for (const ex of loadExamples(DIR, FULL)) {
      expect(ex, ex.id).toMatchObject({ runnable: true, reason: null, equivalent: null });
      expect(exampleRun(ex).variant).toBe('original');
    }
  });

  it('without capabilities (not known yet), examples are taken as runnable', () => {
    expect(loadExamples(DIR).every((e) => e.runnable)).toBe(true);
  });

  it('an unreadable directory gives no examples, not a crash', () => {
    expect(loadExamples('/nonexistent/kscope')).toEqual([]);
  });
});
