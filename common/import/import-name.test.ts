import { describe, expect, it } from 'vitest';
import { distinctName, importName, localStamp } from './import-name.js';

describe('import names', () => {
  const at = new Date(2026, 11, 4, 22, 5, 31);
  it('name the file, the format and the local time', () => {
    expect(localStamp(at)).toBe('2026-12-04 22:05:31');
    expect(importName({ from: '/home/me/traces/out.folded', format: 'folded', at })).toBe('out.folded · folded stacks · 2026-12-04 22:05:31');
    expect(importName({ from: 'perf.txt', format: 'perf', at })).toBe('perf.txt · perf script · 2026-12-04 22:05:31');
    expect(importName({ format: 'bpftrace-text', at })).toBe('pasted text · bpftrace text · 2026-12-04 22:05:31');
    expect(importName({ from: '-', format: 'folded', at })).toBe('stdin · folded stacks · 2026-12-04 22:05:31');
  });
  it('never repeat a name the library has', () => {
    expect(distinctName('a', [])).toBe('a');
    expect(distinctName('a', ['a'])).toBe('a (2)');
    expect(distinctName('a', ['a', 'a (2)', 'b'])).toBe('a (3)');
  });
});
