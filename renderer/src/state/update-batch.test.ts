import { describe, expect, it, vi } from 'vitest';
import { updateBatcher } from './update-batch.js';

describe('updateBatcher', () => {
  it('applies every update that arrived before the frame, once, in order', () => {
    const frames: (() => void)[] = [];
    const applied: number[][] = [];
    const b = updateBatcher<number>((us) => applied.push(us), { frame: (cb) => frames.push(cb) });
    b.push(1);
    b.push(2);
    b.push(3);
    expect(applied).toEqual([]);
    expect(frames.length).toBe(1);
    frames[0]();
    expect(applied).toEqual([[1, 2, 3]]);
    b.push(4);
    frames[1]();
    expect(applied).toEqual([[1, 2, 3], [4]]);
  });

  it('applies after maxWaitMs when no frame comes (a hidden tab), and flush() applies at once', () => {
    vi.useFakeTimers();
    try {
      const applied: number[][] = [];
      const b = updateBatcher<number>((us) => applied.push(us), { frame: () => {}, maxWaitMs: 50 });
      b.push(1);
      vi.advanceTimersByTime(49);
      expect(applied).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(applied).toEqual([[1]]);
      b.push(2);
      b.flush();
      expect(applied).toEqual([[1], [2]]);
      vi.advanceTimersByTime(100);
      expect(applied).toEqual([[1], [2]]);
    } finally {
      vi.useRealTimers();
    }
  });
});
