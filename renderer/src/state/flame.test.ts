import { describe, expect, it } from 'vitest';
import type { FlameSnapshot } from '../../../common/contract/index.js';
import { applyFlames, initialFlames, replaceFlames } from './flame.js';

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

describe('flame store in a replay', () => {
  it('replaces the graphs with the state at t, keeping the order of names already shown', () => {
    let f = replaceFlames(initialFlames, { sessionId: 'replay:r', flames: [snap('@b', 1), snap('@a', 2)] });
    expect(f.order).toEqual(['@b', '@a']);
    f = replaceFlames(f, { sessionId: 'replay:r', flames: [snap('@a', 5), snap('@b', 3)] });
    expect(f.order).toEqual(['@b', '@a']);
    expect(f.flames['@a'].total).toBe(5);
    // Earlier in the recording only one map had been printed: the other goes away.
    f = replaceFlames(f, { sessionId: 'replay:r', flames: [snap('@a', 1)] });
    expect(f.order).toEqual(['@a']);
    expect(Object.keys(f.flames)).toEqual(['@a']);
  });
});
