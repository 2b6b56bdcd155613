import { describe, expect, it } from 'vitest';
import type { FlameSnapshot } from '../../../electron/api/index.js';
import { applyFlames, initialFlames } from './flame.js';

const snap = (name: string, total: number): FlameSnapshot => ({
  name,
  t: 0,
  snapshot: false,
  total,
  stacks: 1,
  keyParts: ['kstack'],
  minFraction: 0.0005,
  nodes: 1,
  prunedNodes: 0,
  atKeyLimit: false,
  tree: { n: 'all', v: total },
});

describe('flame store', () => {
  it('keeps the latest snapshot per map, in first-seen order, and starts over on a new run', () => {
    let s = applyFlames(initialFlames, { sessionId: 'a', flames: [snap('@', 1), snap('@x', 2)] }, null);
    s = applyFlames(s, { sessionId: 'a', flames: [snap('@', 5)] }, 'a');
    expect(s.order).toEqual(['@', '@x']);
    expect(s.flames['@'].total).toBe(5);
    expect(applyFlames(s, { sessionId: 'b', flames: [snap('@', 1)] }, 'a')).toBe(s); // another window's run
    const t = applyFlames(s, { sessionId: 'b', flames: [] }, 'b');
    expect(t.order).toEqual([]);
  });
});
