import { describe, expect, it } from 'vitest';
import { formatEstimate, histBars, openPrefix, percentile, percentiles, rankKeys, totalCount } from './hist-stats.js';

describe('histogram percentiles', () => {
  it('interpolates linearly within the bucket', () => {
    const b = [
      { min: 0, max: 0, count: 0 },
      { min: 1, max: 1, count: 0 },
      { min: 2, max: 3, count: 0 },
      { min: 4, max: 7, count: 100 },
    ];
    expect(percentile(b, 0.5)).toBe(6); // half of [4, 8)
    expect(percentile(b, 1)).toBe(8);
    const two = [
      { min: 8, max: 15, count: 50 },
      { min: 16, max: 31, count: 50 },
    ];
    expect(percentile(two, 0.5)).toBe(16);
    expect(percentile(two, 0.9)).toBeCloseTo(28.8);
  });

  it('gives one-value and edge buckets their bound', () => {
    expect(percentile([{ min: 0, max: 0, count: 3 }], 0.5)).toBe(0);
    expect(percentile([{ max: -1, count: 10 }, { min: 0, max: 9, count: 1 }], 0.5)).toBe(-1);
    expect(percentile([{ min: 0, max: 9, count: 1 }, { min: 2000, count: 10 }], 0.99)).toBe(2000);
  });

  it('says nothing for an empty histogram', () => {
    const empty = [
      { min: 0, max: 0, count: 0 },
      { min: 1, max: 1, count: 0 },
    ];
    expect(percentiles(empty)).toEqual({ p50: null, p90: null, p99: null, open: { p50: null, p90: null, p99: null } });
    expect(histBars(empty)).toEqual([]);
    expect(formatEstimate(null)).toBe('—');
  });

  it('draws bars with bpftrace labels, shares and edges', () => {
    const bars = histBars([
      { max: -1, count: 1 },
      { min: 0, max: 9, count: 0 },
      { min: 10, max: 19, count: 2 },
      { min: 2000, count: 1 },
      { min: 3000, max: 3999, count: 0 },
    ]);
    expect(bars.map((b) => b.label)).toEqual(['(..., 0)', '[0, 10)', '[10, 20)', '[2000, ...)']);
    expect(bars.map((b) => b.edge)).toEqual(['under', null, null, 'over']);
    expect(bars[2].share).toBe(0.5);
  });

  it('ranks keys by samples', () => {
    const r = rankKeys([
      { key: 'b', buckets: [{ min: 0, max: 0, count: 1 }] },
      { key: 'a', buckets: [{ min: 0, max: 0, count: 5 }] },
      { key: 'c', buckets: [{ min: 0, max: 0, count: 1 }] },
    ]);
    expect(r.map((e) => e.key)).toEqual(['a', 'b', 'c']);
    expect(totalCount(r[0].buckets)).toBe(5);
  });

  it('formats estimates compactly', () => {
    expect(formatEstimate(6)).toBe('6');
    expect(formatEstimate(28.8)).toBe('28.8');
    expect(formatEstimate(20480)).toBe('20.0K');
    expect(formatEstimate(3 * 1024 * 1024)).toBe('3.0M');
  });
});

describe('percentiles in open-ended buckets', () => {
  it('says "at least" for a percentile in the overflow bucket [2000, …) and "below" for the underflow', () => {
    // lhist(x, 0, 2000, 500): most samples beyond the last bucket.
    const p = percentiles([
      { min: 0, max: 499, count: 10 },
      { min: 500, max: 999, count: 5 },
      { min: 2000, count: 85 },
    ]);
    expect(p.p50).toBe(2000);
    expect(p.open.p50).toBe('atLeast');
    expect(`${openPrefix(p.open.p99)}${p.p99}`).toBe('≥ 2000');
    const q = percentiles([
      { max: -1, count: 60 },
      { min: 0, max: 0, count: 40 },
    ]);
    expect(q.open.p50).toBe('below');
    expect(q.open.p90).toBeNull();
  });
});
