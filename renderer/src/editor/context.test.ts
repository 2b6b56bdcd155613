import { describe, expect, it } from 'vitest';
import { completionContext, pickProbe, probeInScope, probeQuery, probeSpecAt, probeSpecs, scan } from './context.js';

/** The offset of `|` in the text, and the text without it. */
function at(text: string): [string, number] {
  const i = text.indexOf('|');
  return [text.slice(0, i) + text.slice(i + 1), i];
}

describe('scan', () => {
  it('tells top level, filter, block, comment and string apart', () => {
    const src = 'tracepoint:syscalls:sys_enter_openat /pid == 1/ { printf("x {"); // }\n @[comm] = count(); }\n';
    expect(scan(src, 5).state).toBe('top');
    expect(scan(src, src.indexOf('pid ==') + 1).state).toBe('filter');
    expect(scan(src, src.indexOf('printf')).state).toBe('block');
    expect(scan(src, src.indexOf('x {') + 2).state).toBe('string');
    expect(scan(src, src.indexOf('// }') + 3).state).toBe('comment');
    expect(scan(src, src.indexOf('@[comm]')).state).toBe('block');
    expect(scan(src, src.length).state).toBe('top');
  });

  it('keeps paths of uprobe specs out of filters', () => {
    const src = 'uprobe:/bin/bash:readline /pid > 1/ { }';
    expect(scan(src, src.indexOf('readline')).state).toBe('top');
    expect(scan(src, src.indexOf('pid')).state).toBe('filter');
    expect(scan(src, src.indexOf('}')).header.trim()).toBe('uprobe:/bin/bash:readline');
  });

  it('tracks nested braces and ignores preprocessor lines', () => {
    const src = '#include <linux/sched.h>\nkprobe:f { if (1) { @x = 1; } $y = 2; }\n';
    expect(scan(src, src.indexOf('$y')).state).toBe('block');
    expect(scan(src, src.indexOf('$y')).depth).toBe(1);
    expect(scan(src, src.indexOf('@x')).depth).toBe(2);
    expect(scan(src, src.indexOf('$y')).header.trim()).toBe('kprobe:f');
  });
});

describe('probe in scope', () => {
  it('finds the probe before the enclosing brace', () => {
    const [src, i] = at('BEGIN { }\n\ntracepoint:syscalls:sys_enter_openat\n{\n    printf("%s", str(args->|));\n}\n');
    expect(probeInScope(src, i)).toEqual({ spec: 'tracepoint:syscalls:sys_enter_openat', wildcard: false });
  });

  it('takes the first concrete spec of a list, across comments and filters', () => {
    const [src, i] = at('t:syscalls:sys_enter_*, /* c */ t:syscalls:sys_enter_read,\n  t:syscalls:sys_enter_write /comm == "x"/ { args->| }');
    expect(probeInScope(src, i)).toEqual({ spec: 'tracepoint:syscalls:sys_enter_read', wildcard: false });
  });

  it('falls back to a wildcard spec, and works inside filters', () => {
    const [src, i] = at('tracepoint:syscalls:sys_exit_* /args->|/ { }');
    expect(probeInScope(src, i)).toEqual({ spec: 'tracepoint:syscalls:sys_exit_*', wildcard: true });
  });

  it('has no probe at top level or in a block of another probe after the end', () => {
    const [src, i] = at('kprobe:a { }\n|');
    expect(probeInScope(src, i)).toBeNull();
    const [src2, j] = at('kprobe:a { }\ntracepoint:sched:sched_switch { | }');
    expect(probeInScope(src2, j)?.spec).toBe('tracepoint:sched:sched_switch');
  });

  it('splits probe lists', () => {
    expect(probeSpecs('BEGIN, k:vfs_read\n kr:vfs_read')).toEqual(['BEGIN', 'kprobe:vfs_read', 'kretprobe:vfs_read']);
    expect(pickProbe('   ')).toBeNull();
  });
});

describe('completion context', () => {
  it('completes probe specs at top level', () => {
    const [src, i] = at('BEGIN { }\ntracepoint:sched:|');
    expect(completionContext(src, i)).toEqual({ kind: 'probe', prefix: 'tracepoint:sched:', start: src.indexOf('tracepoint') });
  });

  it('completes fields after args-> and args.', () => {
    const [src, i] = at('tracepoint:syscalls:sys_enter_openat { printf("%s", str(args->fil|');
    const c = completionContext(src, i);
    expect(c).toMatchObject({ kind: 'field', prefix: 'fil', accessor: '->', probe: { spec: 'tracepoint:syscalls:sys_enter_openat' } });
    const [src2, j] = at('t:sched:sched_switch { @[args.|');
    expect(completionContext(src2, j)).toMatchObject({ kind: 'field', prefix: '', accessor: '.' });
  });

  it('completes code words in blocks and nothing in strings or comments', () => {
    const [src, i] = at('BEGIN { @x = cou|');
    expect(completionContext(src, i)).toMatchObject({ kind: 'code', prefix: 'cou' });
    const [src2, j] = at('BEGIN { printf("cou|');
    expect(completionContext(src2, j)).toEqual({ kind: 'none' });
    const [src3, k] = at('BEGIN { // cou|');
    expect(completionContext(src3, k)).toEqual({ kind: 'none' });
    const [src4, l] = at('BEGIN { $t->pi|');
    expect(completionContext(src4, l)).toEqual({ kind: 'member', probe: { spec: 'BEGIN', wildcard: false }, offset: l });
  });
});

describe('probe spec under the cursor', () => {
  it('finds the whole spec', () => {
    const src = 'BEGIN {}\ntracepoint:syscalls:sys_enter_openat /pid/ { }';
    const i = src.indexOf('sys_enter') + 3;
    expect(probeSpecAt(src, i)).toEqual({ spec: 'tracepoint:syscalls:sys_enter_openat', start: 9, end: 9 + 36 });
    expect(probeSpecAt(src, src.indexOf('pid/'))).toBeNull();
    expect(probeSpecAt(src, 2)?.spec).toBe('BEGIN');
  });
});

describe('probe query', () => {
  it('asks for types, groups or probes', () => {
    expect(probeQuery('trace')).toEqual({ kind: 'types', typed: 'trace' });
    expect(probeQuery('tracepoint:')).toEqual({ kind: 'groups', type: 'tracepoint', typed: '' });
    expect(probeQuery('t:sch')).toEqual({ kind: 'groups', type: 'tracepoint', typed: 'sch' });
    expect(probeQuery('tracepoint:sched:')).toEqual({ kind: 'probes', type: 'tracepoint', pattern: 'tracepoint:sched:*', dir: 'tracepoint:sched:' });
    expect(probeQuery('kprobe:vfs_')).toEqual({ kind: 'probes', type: 'kprobe', pattern: 'kprobe:vfs_*', dir: 'kprobe:' });
  });
});
