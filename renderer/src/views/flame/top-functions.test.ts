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
