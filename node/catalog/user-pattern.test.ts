import { describe, expect, it } from 'vitest';
import { availableFirst } from './available-first.js';
import { userPatternBinary } from './user-pattern.js';

describe('userPatternBinary', () => {
  it('finds the binary a uprobe/uretprobe/usdt pattern names', () => {
    expect(userPatternBinary('uprobe:/bin/bash:read*')).toEqual({ binary: '/bin/bash' });
    expect(userPatternBinary('uretprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:malloc')).toEqual({ binary: '/usr/lib/x86_64-linux-gnu/libc.so.6' });
    expect(userPatternBinary('usdt:/usr/bin/python3:*')).toEqual({ binary: '/usr/bin/python3' });
    expect(userPatternBinary('uprobe:/bin/bash')).toEqual({ binary: '/bin/bash' });
  });
  it('leaves kernel types, relative paths and wildcard paths alone', () => {
    expect(userPatternBinary('tracepoint:syscalls:*')).toBeNull();
    expect(userPatternBinary('uprobe:bash:readline')).toBeNull();
    expect(userPatternBinary('uprobe:/usr/lib/*/libc.so.6:malloc')).toBeNull();
    expect(userPatternBinary('openat')).toBeNull();
  });
});

describe('availableFirst', () => {
  it('puts available types first, keeping the ranked order within each part', () => {
    // ids 0..5 with types [k, t, k, t, k, t]; only type 1 (t) is available.
    const types = [0, 1, 0, 1, 0, 1];
    const r = availableFirst([4, 0, 5, 1, 3, 2], (id) => types[id], (t) => t === 1);
    expect([...r.ids]).toEqual([5, 1, 3, 4, 0, 2]);
    expect(r.available).toBe(3);
  });
});
