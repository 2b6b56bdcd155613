import { describe, expect, it } from 'vitest';
import { BUILTINS, FUNCTIONS, MAP_KINDS, entryMarkdown, expandAlias, lookupWord, parseVersion, versionAtLeast } from './reference.js';
import { builtins as tokenBuiltins, functions as tokenFunctions } from './bpftrace.js';

describe('reference', () => {
  it('has the seed article\'s descriptions', () => {
    expect(lookupWord('str')).toMatchObject({ signature: 'str(char *s [, int length])', description: 'Return string from x pointer' });
    expect(lookupWord('ksym')?.description).toBe('Resolve kernel address to symbol');
    expect(lookupWord('kaddr')?.description).toBe('Resolve kernel symbol name to address');
    expect(lookupWord('ntop')?.signature).toBe('ntop([int af,] int|char[4:16] addr)');
    expect(lookupWord('lhist')?.description).toBe('Linear histogram for x');
    expect(lookupWord('stats')?.description).toBe('Return the count, average, and total for this value');
    expect(lookupWord('delete')?.signature).toBe('delete(@x[key])');
    expect(lookupWord('clear')?.description).toBe('Delete all keys from the map');
    expect(lookupWord('curtask')?.description).toBe('Current task_struct as a u64');
    expect(lookupWord('comm')?.description).toBe('Process or command name');
    expect(MAP_KINDS.map((m) => m.name)).toEqual(['@name', '@name[key]', '@name[tid]', '$name']);
  });

  it('resolves families and calls', () => {
    expect(lookupWord('arg3')?.description).toBe('Function arguments (kprobe, uprobe, usdt)');
    expect(lookupWord('$2')?.description).toBe('Positional parameters (bpftrace script.bt ARG1 ARG2; $# is their count)');
    expect(lookupWord('kstack')?.kind).toBe('builtin');
    expect(lookupWord('kstack', true)?.kind).toBe('function');
    expect(lookupWord('nope')).toBeNull();
  });

  it('covers every word the tokenizer colours', () => {
    const known = new Set([...BUILTINS, ...FUNCTIONS].map((e) => e.name));
    const missing = [...tokenFunctions].filter((f) => !known.has(f) && !['nsecs', 'socket_cookie', 'strerror'].includes(f));
    expect(missing).toEqual([]);
    for (const b of ['pid', 'tid', 'comm', 'nsecs', 'kstack', 'ustack', 'args', 'retval', 'func', 'probe']) expect(tokenBuiltins).toContain(b);
    expect(new Set(FUNCTIONS.map((f) => f.name)).size).toBe(FUNCTIONS.length);
  });

  it('expands aliases and compares versions', () => {
    expect(expandAlias('t:sched:sched_switch')).toBe('tracepoint:sched:sched_switch');
    expect(expandAlias('kr:vfs_read')).toBe('kretprobe:vfs_read');
    expect(expandAlias('BEGIN')).toBe('BEGIN');
    expect(parseVersion('bpftrace v0.21.2-1')).toEqual([0, 21, 2]);
    expect(versionAtLeast('v0.17.0', 0, 21)).toBe(false);
    expect(versionAtLeast('v0.21.0', 0, 21)).toBe(true);
    expect(versionAtLeast('1.0', 0, 21)).toBe(true);
    expect(versionAtLeast(null, 0, 21)).toBe(false);
  });

  it('renders markdown', () => {
    expect(entryMarkdown(FUNCTIONS[0]!, 'function')).toContain('printf(char *fmt, ...)');
  });
});
