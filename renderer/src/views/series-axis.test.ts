import { describe, expect, it } from 'vitest';
import { seriesAxisLabel, seriesTick } from './series-axis.js';
import { formatEstimateIn, histAxisLabel, histBars } from './hist-stats.js';

describe('chart units', () => {
  it('names the value axis from the map unit, "value" when unknown', () => {
    expect(seriesAxisLabel('events')).toBe('events');
    expect(seriesAxisLabel('us')).toBe('µs');
    expect(seriesAxisLabel(null)).toBe('value');
    expect(histAxisLabel('ns')).toBe('ns');
    expect(histAxisLabel(null)).toBe('value');
  });
  it('ticks bytes in IEC units', () => {
    expect(seriesTick(1536, 'bytes')).toBe('1.5KiB');
    expect(seriesTick(1536, 'events')).toBe('1.5k');
  });
  it('names byte buckets in IEC units, exactly as bpftrace bounds them', () => {
    const bars = histBars([{ min: 512, max: 1023, count: 1 }, { min: 1024, max: 2047, count: 3 }, { min: 2048, count: 1 }], 'bytes');
    expect(bars.map((b) => b.label)).toEqual(['[512 B, 1 KiB)', '[1 KiB, 2 KiB)', '[2 KiB, ...)']);
    // Other units keep bpftrace's own labels.
    expect(histBars([{ min: 1024, max: 2047, count: 3 }], 'ns')[0]!.label).toBe('[1K, 2K)');
  });
  it('writes percentiles with their unit', () => {
    expect(formatEstimateIn(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatEstimateIn(12, 'us')).toBe('12 µs');
    expect(formatEstimateIn(12, null)).toBe('12');
    expect(formatEstimateIn(null, 'ns')).toBe('—');
  });
});
