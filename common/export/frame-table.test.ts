import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameTable } from './frame-table.js';

describe('FrameTable', () => {
  it('gives each distinct frame one id, in first-seen order, across growth', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes(';')), { minLength: 1, maxLength: 8 }), { maxLength: 400 }), (stacks) => {
        const t = new FrameTable();
        const want = new Map<string, number>();
        const ids: number[] = [];
        for (const frames of stacks) {
          t.stackIds(frames.join(';'), ids);
          expect(ids.map((i) => t.names[i])).toEqual(frames);
          for (const f of frames) if (!want.has(f)) want.set(f, want.size);
          expect(ids).toEqual(frames.map((f) => want.get(f)));
        }
        expect(t.names).toEqual([...want.keys()]);
      }),
    );
  });

  it('tells apart names with equal hashes only by their text', () => {
    const t = new FrameTable();
    // Many similar names force probing and several growths.
    const names = Array.from({ length: 20_000 }, (_, i) => `f${i % 7}_${i}`);
    const ids = names.map((n) => t.idOf(`x;${n};y`, 2, 2 + n.length));
    expect(ids).toEqual(names.map((_, i) => i));
    expect(names.map((n) => t.idOf(n, 0, n.length))).toEqual(ids);
  });
});
