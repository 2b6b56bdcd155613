import { describe, expect, it } from 'vitest';
import type { DiffNode } from '../../../common/contract/index.js';
import { changeWord, diffColor, diffLabel, formatChange, maxAbsChange, shares, toFlame, topChanges } from './diff.js';

// A: 100 samples, B: 200. main→work doubles its share; main→idle halves; gc is new; old is gone.
const tree: DiffNode = {
  n: 'all',
  a: 100,
  b: 200,
  c: [
    {
      n: 'main',
      a: 80,
      b: 180,
      c: [
        { n: 'work', a: 20, b: 120 },
        { n: 'idle', a: 50, b: 40 },
        { n: 'old', a: 10, b: 0 },
      ],
    },
    { n: 'gc', a: 0, b: 20 },
    { n: 'other', a: 20, b: 0 },
  ],
};
const totals = { totalA: 100, totalB: 200 };

describe('differential flame graph', () => {
  it('compares shares, not raw samples', () => {
    expect(shares({ a: 20, b: 120 }, totals)).toEqual({ a: 0.2, b: 0.6, change: expect.closeTo(0.4, 10) });
    // Twice the samples in a run twice as long: no change.
    expect(shares({ a: 50, b: 100 }, totals).change).toBe(0);
    expect(shares({ a: 5, b: 5 }, { totalA: 0, totalB: 10 })).toEqual({ a: 0, b: 0.5, change: 0.5 });
  });

  it('finds the colour scale from the largest change below the root', () => {
    expect(maxAbsChange(tree, totals)).toBeCloseTo(0.4, 10);
  });

  it('colours red where B grew, blue where it shrank, grey for no change', () => {
    const grey = diffColor(0, 0.4);
    expect(grey).toBe('rgb(200, 204, 212)');
    expect(diffColor(0.0001, 0.4)).toBe(grey); // below the noise floor
    expect(diffColor(0.4, 0.4)).toBe('rgb(229, 72, 62)');
    expect(diffColor(-0.4, 0.4)).toBe('rgb(66, 133, 232)');
    expect(diffColor(1, 0.4)).toBe(diffColor(0.4, 0.4)); // clamped
    const half = diffColor(0.2, 0.4).match(/\d+/g)!.map(Number);
    expect(half[0]).toBeGreaterThan(200);
    expect(half[2]).toBeLessThan(212);
    expect(half[2]).toBeGreaterThan(62);
    // A graph of tiny changes is not painted full red: the scale is at least one point.
    expect(diffColor(0.002, 0.002)).not.toBe(diffColor(0.4, 0.4));
  });

  it('draws widths from B or A, dropping frames with no samples on that side, widest first', () => {
    const b = toFlame(tree, 'b');
    expect(b.v).toBe(200);
    expect(b.c!.map((c) => c.n)).toEqual(['main', 'gc']);
    expect(b.c![0].c!.map((c) => [c.n, c.v, c.a, c.b])).toEqual([
      ['work', 120, 20, 120],
      ['idle', 40, 50, 40],
    ]);
    const a = toFlame(tree, 'a');
    expect(a.c!.map((c) => c.n)).toEqual(['main', 'other']);
    expect(a.c![0].c!.map((c) => c.n)).toEqual(['idle', 'work', 'old']);
  });

  it('labels a frame with A, B and the change', () => {
    const work = toFlame(tree, 'b').c![0].c![0];
    const text = diffLabel(work, totals);
    expect(text).toContain('work');
    expect(text).toContain('A (before): 20 samples · 20.00%');
    expect(text).toContain('B (after):  120 samples · 60.00%');
    expect(text).toContain('change: +40.00 pts (grew in B)');
    expect(formatChange(-0.012)).toBe('−1.20 pts');
    expect(formatChange(0)).toBe('±0 pts');
    expect(changeWord({ a: 0, b: 3 }, totals)).toBe('new in B');
    expect(changeWord({ a: 3, b: 0 }, totals)).toBe('gone in B');
    expect(changeWord({ a: 50, b: 100 }, totals)).toBe('no change');
    expect(changeWord({ a: 50, b: 40 }, totals)).toBe('shrank in B');
  });

  it('counts a recursive function once per stack', () => {
    const rec: DiffNode = { n: 'all', a: 10, b: 10, c: [{ n: 'f', a: 10, b: 8, c: [{ n: 'f', a: 10, b: 4, c: [{ n: 'g', a: 10, b: 4 }] }] }] };
    const f = topChanges(rec, { totalA: 10, totalB: 10 }).find((x) => x.name === 'f')!;
    expect(f.totalA).toBe(1);
    expect(f.totalB).toBeCloseTo(0.8, 10);
    expect(f.selfB).toBeCloseTo(0.4, 10);
  });

  it('lists the functions whose share changed most', () => {
    const top = topChanges(tree, totals);
    expect(top[0]).toMatchObject({ name: 'work', change: expect.closeTo(0.4, 10) });
    const byName = Object.fromEntries(top.map((f) => [f.name, f]));
    expect(byName.idle.change).toBeCloseTo(-0.3, 10);
    expect(byName.gc.totalA).toBe(0);
    expect(byName.gc.totalB).toBeCloseTo(0.1, 10);
    expect(byName.old.change).toBeCloseTo(-0.1, 10);
    expect(byName.other.change).toBeCloseTo(-0.2, 10);
    // main: 80% → 90%.
    expect(byName.main.change).toBeCloseTo(0.1, 10);
    // Sorted by |change|.
    const mags = top.map((f) => Math.abs(f.change));
    expect([...mags].sort((x, y) => y - x)).toEqual(mags);
  });
});
