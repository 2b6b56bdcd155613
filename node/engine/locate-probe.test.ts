import { describe, expect, it } from 'vitest';
import { locateProbe } from './locate-probe.js';

describe('locateProbe: where a probe that failed to attach was written', () => {
  it('skips comments and strings that mention the probe', () => {
    const src = '// kprobe:vfs_read counts reads\n/* kprobe:vfs_read */\nBEGIN { printf("kprobe:vfs_read\\n"); }\nkprobe:vfs_read { @ = count(); }\n';
    expect(locateProbe(src, 'kprobe:vfs_read')).toEqual({ line: 4, column: 1, endColumn: 16 });
  });
  it('finds an alias and a wildcard that expanded to the probe', () => {
    expect(locateProbe('// k:vfs_read\nk:vfs_read { }', 'kprobe:vfs_read')).toEqual({ line: 2, column: 1, endColumn: 11 });
    const src = '// tracepoint:syscalls:sys_enter_read\nBEGIN {}\n  t:syscalls:sys_enter_rea* { }';
    expect(locateProbe(src, 'tracepoint:syscalls:sys_enter_read')).toEqual({ line: 3, column: 3, endColumn: 28 });
  });
  it('finds one of several attach points of one block', () => {
    const src = 'kprobe:a,\nkprobe:vfs_read\n{ }';
    expect(locateProbe(src, 'kprobe:vfs_read')).toMatchObject({ line: 2, column: 1 });
  });
  it('is null when only a comment names it', () => {
    expect(locateProbe('// kprobe:vfs_read\nBEGIN { }', 'kprobe:vfs_read')).toBeNull();
  });
});
