import { describe, expect, it } from 'vitest';
import type { HistEvent, MapEvent } from '../../../common/contract/index.js';
import { overlayBuckets, overlayHist, overlayRows, pairMaps } from './overlay.js';

const hist = (name: string, entries: HistEvent['entries']): HistEvent => ({ type: 'hist', t: 0, name, snapshot: false, entries });
const map = (name: string, entries: MapEvent['entries']): MapEvent => ({ type: 'map', t: 0, name, snapshot: false, entries });

describe('overlays', () => {
  it('puts two histograms on the union of their buckets, trimmed, with shares', () => {
    const a = [
      { min: 0, max: 0, count: 0 },
      { min: 1, max: 1, count: 2 },
      { min: 2, max: 3, count: 6 },
    ];
    const b = [
      { min: 2, max: 3, count: 5 },
      { min: 4, max: 7, count: 15 },
      { min: 8, max: 15, count: 0 },
    ];
    const bars = overlayBuckets(a, b);
    expect(bars.map((x) => [x.label, x.a, x.b])).toEqual([
      ['[1]', 2, 0],
      ['[2, 4)', 6, 5],
      ['[4, 8)', 0, 15],
    ]);
    expect(bars[1].shareA).toBeCloseTo(0.75, 10);
    expect(bars[1].shareB).toBeCloseTo(0.25, 10);
  });

  it('overlays keyed histograms key by key, busiest first', () => {
    const a = hist('@us', [
      { key: 'bash', buckets: [{ min: 1, max: 1, count: 3 }] },
      { key: 'sshd', buckets: [{ min: 1, max: 1, count: 30 }] },
    ]);
    const b = hist('@us', [
      { key: 'bash', buckets: [{ min: 1, max: 1, count: 5 }] },
      { key: 'node', buckets: [{ min: 2, max: 3, count: 1 }] },
    ]);
    const o = overlayHist(a, b);
    expect(o.map((x) => [x.key, x.countA, x.countB])).toEqual([
      ['sshd', 30, 0],
      ['bash', 3, 5],
      ['node', 0, 1],
    ]);
  });

  it('overlays tables by key with the change, largest change first', () => {
    const a = map('@', [
      { key: 'bash', value: 100 },
      { key: 'sshd', value: 50 },
      { key: 'gone', value: 7 },
    ]);
    const b = map('@', [
      { key: 'bash', value: 90 },
      { key: 'sshd', value: 150 },
      { key: 'new', value: 3 },
    ]);
    const rows = overlayRows(a, b);
    expect(rows.map((r) => [r.key, r.a, r.b, r.delta])).toEqual([
      ['sshd', 50, 150, 100],
      ['bash', 100, 90, -10],
      ['gone', 7, null, -7],
      ['new', null, 3, 3],
    ]);
    expect(rows[0].ratio).toBe(2);
    expect(rows[3].ratio).toBeNull();
  });

  it('compares stats maps by count', () => {
    const s = (v: number) => ({ type: 'stats' as const, t: 0, name: '@s', snapshot: false, entries: [{ key: null, value: { count: v, average: 1, total: v } }] });
    expect(overlayRows(s(4), s(10))[0]).toMatchObject({ a: 4, b: 10, delta: 6 });
  });

  it('pairs maps present in both with the same kind, skipping stack maps', () => {
    const pairs = pairMaps(
      [hist('@lat', []), map('@', []), map('@stacks', []), map('@only_a', [])],
      [map('@', []), hist('@lat', []), map('@stacks', []), hist('@only_a', [])],
      ['@stacks'],
    );
    expect(pairs.map((p) => [p.name, p.kind])).toEqual([
      ['@lat', 'hist'],
      ['@', 'table'],
    ]);
  });
});
