import { describe, expect, it } from 'vitest';
import { fitLabel } from './png.js';

describe('PNG labels', () => {
  it('keeps a label that fits, cuts one that does not, drops one with no room', () => {
    expect(fitLabel('vfs_read', 100)).toBe('vfs_read'); // 13 chars of room
    expect(fitLabel('do_syscall_64_and_more', 76)).toBe('do_syscal…'); // 10 chars of room
    expect(fitLabel('x', 20)).toBe('');
    expect(fitLabel('abc', 27)).toBe('abc');
  });
});
