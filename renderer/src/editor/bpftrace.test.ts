import { describe, expect, it } from 'vitest';
import { bpftraceLanguage, probeSpec } from './bpftrace.js';

const spec = (s: string) => {
  const m = new RegExp(`^${probeSpec.source}`).exec(s);
  return m ? [m[1], m[3]] : null;
};

describe('bpftrace language', () => {
  it('matches probe specs with their targets', () => {
    expect(spec('tracepoint:syscalls:sys_enter_openat {')).toEqual(['tracepoint', 'syscalls:sys_enter_openat']);
    expect(spec('kretprobe:vfs_read')).toEqual(['kretprobe', 'vfs_read']);
    expect(spec('uprobe:/bin/bash:readline')).toEqual(['uprobe', '/bin/bash:readline']);
    expect(spec('profile:hz:99 {')).toEqual(['profile', 'hz:99']);
    expect(spec('t:syscalls:sys_enter_* /pid == 1/')).toEqual(['t', 'syscalls:sys_enter_*']);
    expect(spec('ur:/lib/libc.so.6:malloc,')).toEqual(['ur', '/lib/libc.so.6:malloc']);
    expect(spec('kprobe:vfs_read /pid > 1/')).toEqual(['kprobe', 'vfs_read']);
  });

  it('has the word lists the tokenizer refers to', () => {
    for (const list of ['keywords', 'builtins', 'functions']) {
      expect(Array.isArray(bpftraceLanguage[list])).toBe(true);
    }
    expect(bpftraceLanguage.functions).toContain('hist');
    expect(bpftraceLanguage.builtins).toContain('comm');
  });
});
