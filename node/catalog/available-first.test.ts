import { describe, expect, it } from 'vitest';
import { availableFirst } from './available-first.js';

describe('availableFirst', () => {
  it('puts available types first, keeping the ranked order within each part', () => {
    // ids 0..5 with types [k, t, k, t, k, t]; only type 1 (t) is available.
    const types = [0, 1, 0, 1, 0, 1];
    const r = availableFirst([4, 0, 5, 1, 3, 2], (id) => types[id], (t) => t === 1);
    expect([...r.ids]).toEqual([5, 1, 3, 4, 0, 2]);
    expect(r.available).toBe(3);
  });
});
