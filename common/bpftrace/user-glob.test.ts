import { describe, expect, it } from 'vitest';
import { levelMatches, parseUserGlob, pathLevels, restMatches, wildcardMatch } from './user-glob.js';

describe('parseUserGlob', () => {
  it('finds the path and the rest of a uprobe/uretprobe/usdt pattern, with or without wildcards', () => {
    expect(parseUserGlob('uprobe:/bin/bash:read*')).toEqual({ type: 'uprobe', path: '/bin/bash', pathHasGlob: false, rest: 'read*' });
    expect(parseUserGlob('uprobe:/usr/lib/*/libc.so.6:malloc*')).toEqual({ type: 'uprobe', path: '/usr/lib/*/libc.so.6', pathHasGlob: true, rest: 'malloc*' });
    expect(parseUserGlob('usdt:/usr/lib/x86_64-linux-gnu/*:*')).toEqual({ type: 'usdt', path: '/usr/lib/x86_64-linux-gnu/*', pathHasGlob: true, rest: '*' });
    expect(parseUserGlob('U:/usr/bin/python3:python:function__entry')).toEqual({ type: 'usdt', path: '/usr/bin/python3', pathHasGlob: false, rest: 'python:function__entry' });
    expect(parseUserGlob('ur:/bin/ba*')).toEqual({ type: 'uretprobe', path: '/bin/ba*', pathHasGlob: true, rest: '' });
  });
  it('leaves kernel types, relative paths and wildcards bpftrace refuses alone', () => {
    expect(parseUserGlob('tracepoint:syscalls:*')).toBeNull();
    expect(parseUserGlob('uprobe:bash:readline')).toBeNull();
    expect(parseUserGlob('uprobe:/usr/lib/x86_64-linux-gnu/libc.so.?:malloc')).toBeNull();
    expect(parseUserGlob('uprobe:/usr/lib/[a-z]*/libc.so.6:malloc')).toBeNull();
    expect(parseUserGlob('openat')).toBeNull();
    expect(parseUserGlob('kprobe:/x')).toBeNull();
  });
});

describe('wildcardMatch (bpftrace: only * is special)', () => {
  it('matches runs, empty runs and literals', () => {
    expect(wildcardMatch('malloc*', 'malloc')).toBe(true);
    expect(wildcardMatch('malloc*', 'malloc_stats')).toBe(true);
    expect(wildcardMatch('*alloc', 'calloc')).toBe(true);
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('m*l*c', 'malloc')).toBe(true);
    expect(wildcardMatch('malloc*', 'tmalloc')).toBe(false);
    expect(wildcardMatch('read', 'readline')).toBe(false);
    expect(wildcardMatch('a?c', 'abc')).toBe(false); // '?' is literal
    expect(wildcardMatch('a?c', 'a?c')).toBe(true);
  });
  it('stays linear on a pattern that backtracks (many stars over a long miss)', () => {
    const text = 'a'.repeat(20_000);
    expect(wildcardMatch(`${'*a'.repeat(50)}b`, text)).toBe(false);
  });
});

describe('path levels as glob(3) reads them', () => {
  it('splits a path into literal and wildcard levels', () => {
    expect(pathLevels('/usr/lib/*/libc.so.6')).toEqual([
      { name: 'usr', glob: false },
      { name: 'lib', glob: false },
      { name: '*', glob: true },
      { name: 'libc.so.6', glob: false },
    ]);
  });
  it('a wildcard level skips dot files unless it starts with a dot, and never matches . or ..', () => {
    expect(levelMatches('*', 'libc.so.6')).toBe(true);
    expect(levelMatches('*', '.hidden')).toBe(false);
    expect(levelMatches('.*', '.hidden')).toBe(true);
    expect(levelMatches('.*', '..')).toBe(false);
    expect(levelMatches('ba*', 'bash')).toBe(true);
    expect(levelMatches('ba*', 'dash')).toBe(false);
  });
});

describe('restMatches', () => {
  it('uprobe: the function; nothing after the path means every function', () => {
    expect(restMatches({ type: 'uprobe', rest: 'read*' }, { fn: 'readline' })).toBe(true);
    expect(restMatches({ type: 'uprobe', rest: 'read*' }, { fn: 'xread' })).toBe(false);
    expect(restMatches({ type: 'uretprobe', rest: '' }, { fn: 'main' })).toBe(true);
  });
  it('usdt: a name in any provider, or provider:name', () => {
    expect(restMatches({ type: 'usdt', rest: '*' }, { provider: 'python', name: 'gc__start' })).toBe(true);
    expect(restMatches({ type: 'usdt', rest: 'gc__*' }, { provider: 'python', name: 'gc__start' })).toBe(true);
    expect(restMatches({ type: 'usdt', rest: 'python:gc__*' }, { provider: 'python', name: 'gc__start' })).toBe(true);
    expect(restMatches({ type: 'usdt', rest: 'libstdcxx:*' }, { provider: 'python', name: 'gc__start' })).toBe(false);
    expect(restMatches({ type: 'usdt', rest: '*' }, { fn: 'main' })).toBe(false);
  });
});
