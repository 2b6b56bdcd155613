import { describe, expect, it } from 'vitest';
import { selfTime } from './top-functions.js';

describe('self time for the top functions table', () => {
  it('ranks leaves by self samples, skipping group levels and pruned nodes', () => {
    const tree = {
      n: 'all',
      v: 10,
      c: [
        {
          n: 'bash',
          v: 10,
          c: [{ n: 'main', v: 10, c: [{ n: 'read', v: 6 }, { n: 'main', v: 3, c: [{ n: 'read', v: 1 }] }, { n: '(pruned 4 frames)', v: 1 }] }],
        },
      ],
    };
    expect(selfTime(tree, 1)).toEqual([
      { name: 'read', self: 7, total: 7 },
      { name: 'main', self: 2, total: 10 },
    ]);
  });
});

describe('top functions by total', () => {
  it('ranks by samples on the stack (an off-CPU profile waits in callers, not leaves)', () => {
    // main → wait → schedule (leaf): schedule has the self time, main the most total.
    const tree = { n: 'all', v: 10, c: [{ n: 'main', v: 10, c: [{ n: 'wait', v: 8, c: [{ n: 'schedule', v: 8 }] }, { n: 'work', v: 2 }] }] };
    expect(selfTime(tree, 0, 2, 'total').map((r) => r.name)).toEqual(['main', 'schedule']);
    expect(selfTime(tree, 0, 4, 'total').map((r) => [r.name, r.total])).toEqual([
      ['main', 10],
      ['schedule', 8],
      ['wait', 8],
      ['work', 2],
    ]);
    expect(selfTime(tree, 0, 1)[0].name).toBe('schedule');
  });
});
