import { describe, expect, it } from 'vitest';
import {
  bucketLabel,
  compactNumber,
  formatDuration,
  formatKey,
  formatNumber,
  formatValue,
  sortRows,
  suffixed,
  trimBuckets,
} from './format.js';

describe('histogram labels (bpftrace style)', () => {
  it('uses power-of-1024 suffixes', () => {
    expect(suffixed(0)).toBe('0');
    expect(suffixed(1000)).toBe('1000');
    expect(suffixed(4096)).toBe('4K');
    expect(suffixed(1024 * 1024)).toBe('1M');
    expect(suffixed(3 * 1024 ** 3)).toBe('3G');
  });

  it('prints inclusive-max buckets as half-open ranges', () => {
    expect(bucketLabel({ min: 0, max: 0, count: 1 })).toBe('[0]');
    expect(bucketLabel({ min: 1, max: 1, count: 1 })).toBe('[1]');
    expect(bucketLabel({ min: 2, max: 3, count: 1 })).toBe('[2, 4)');
    expect(bucketLabel({ min: 4096, max: 8191, count: 1 })).toBe('[4K, 8K)');
    expect(bucketLabel({ min: 512, max: 1023, count: 1 })).toBe('[512, 1K)');
    expect(bucketLabel({ min: 0, max: 9, count: 1 })).toBe('[0, 10)');
  });

  it('labels underflow and overflow buckets', () => {
    expect(bucketLabel({ max: -1, count: 1 })).toBe('(..., 0)');
    expect(bucketLabel({ min: 100, count: 1 })).toBe('[100, ...)');
  });

  it('trims empty buckets at both ends', () => {
    const b = [
      { min: 0, max: 0, count: 0 },
      { min: 1, max: 1, count: 2 },
      { min: 2, max: 3, count: 0 },
      { min: 4, max: 7, count: 5 },
      { min: 8, max: 15, count: 0 },
    ];
    expect(trimBuckets(b).map((x) => x.min)).toEqual([1, 2, 4]);
    expect(trimBuckets([{ min: 0, max: 0, count: 0 }])).toEqual([]);
  });
});

describe('numbers and values', () => {
  it('formats numbers, compact counts and durations', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(12.345)).toBe('12.35');
    expect(compactNumber(999)).toBe('999');
    expect(compactNumber(1234)).toBe('1.2k');
    expect(compactNumber(3_400_000)).toBe('3.4M');
    expect(formatDuration(65_432)).toBe('1:05.4');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });

  it('formats values of any shape', () => {
    expect(formatValue(42)).toBe('42');
    expect(formatValue('str')).toBe('str');
    expect(formatValue({ count: 2, average: 3, total: 6 })).toBe('count 2, avg 3, total 6');
    expect(formatValue([1, 'a'])).toBe('1, a');
  });

  it('shows stack keys on one line', () => {
    expect(formatKey(null)).toBe('');
    expect(formatKey('bash,2')).toBe('bash,2');
    expect(formatKey('\n  f+1\n  g+2\n')).toBe('f+1 ← g+2');
    expect(formatKey('\n  f+1\n  g+2\n,bash')).toBe('f+1 ← g+2, bash');
  });
});

describe('sortRows', () => {
  it('sorts counting maps by value, largest first, ties by key', () => {
    const rows = sortRows([
      { key: 'b', value: 1 },
      { key: 'a', value: 5 },
      { key: 'c', value: 5 },
    ]);
    expect(rows.map((r) => r.key)).toEqual(['a', 'c', 'b']);
  });

  it('sorts non-numeric maps by key', () => {
    const rows = sortRows([
      { key: 'b', value: 'x' },
      { key: 'a', value: 'y' },
    ]);
    expect(rows.map((r) => r.key)).toEqual(['a', 'b']);
  });
});
