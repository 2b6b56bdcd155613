import { describe, expect, it } from 'vitest';
import { MapHistory } from '../state/history.js';
import { countRows, formatRate, viewFor } from './map-rows.js';
import { formatKey } from './format.js';

describe('counting map rows', () => {
  const h = MapHistory.empty()
    .recorded(1000, [{ key: 'bash', value: 10 }, { key: 'sshd', value: 50 }])
    .recorded(2000, [{ key: 'bash', value: 110 }, { key: 'sshd', value: 60 }, { key: 'once', value: 1 }]);
  const entries = [
    { key: 'bash', value: 110 },
    { key: 'sshd', value: 60 },
    { key: 'once', value: 1 },
  ];

  it('sorts by value, rate or key, and filters by key', () => {
    expect(countRows(entries, h, '', { column: 'value', desc: true }).map((r) => r.key)).toEqual(['bash', 'sshd', 'once']);
    expect(countRows(entries, h, '', { column: 'rate', desc: true }).map((r) => r.key)).toEqual(['bash', 'sshd', 'once']);
    expect(countRows(entries, h, '', { column: 'rate', desc: false }).map((r) => r.key)).toEqual(['once', 'sshd', 'bash']);
    expect(countRows(entries, h, '', { column: 'key', desc: false }).map((r) => r.key)).toEqual(['bash', 'once', 'sshd']);
    expect(countRows(entries, h, 'SH', { column: 'value', desc: true }).map((r) => r.key)).toEqual(['bash', 'sshd']);
  });

  it('gives rates from history, "—" for a key printed once', () => {
    const rows = countRows(entries, h, '', { column: 'value', desc: true });
    expect(rows.map((r) => formatRate(r.rate))).toEqual(['100', '10.0', '—']);
    expect(countRows(entries, undefined, '', { column: 'value', desc: true })[0].rate).toBeNull();
  });

  it('handles a map with 10k keys quickly', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: i }));
    const t0 = performance.now();
    const rows = countRows(big, undefined, '', { column: 'value', desc: true });
    expect(rows).toHaveLength(10_000);
    expect(rows[0].key).toBe('k9999');
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('keeps stack-looking keys and keys with commas raw', () => {
    const mixed = [
      { key: '\n  vfs_read+1\n  ksys_read+2\n,bash', value: 3 },
      { key: 'a,b,c', value: 2 },
    ];
    const rows = countRows(mixed, undefined, 'a,b', { column: 'value', desc: true });
    expect(rows.map((r) => r.key)).toEqual(['a,b,c']);
    expect(formatKey('a,b,c')).toBe('a,b,c');
    expect(countRows(mixed, undefined, 'ksys_read', { column: 'value', desc: true })).toHaveLength(1);
  });

  it('picks the view by event type and value shape', () => {
    expect(viewFor({ type: 'hist', entries: [] })).toBe('hist');
    expect(viewFor({ type: 'stats', entries: [] })).toBe('stats');
    expect(viewFor({ type: 'map', entries: [{ value: 1 }] })).toBe('count');
    expect(viewFor({ type: 'map', entries: [{ value: 'str' }] })).toBe('plain');
    expect(viewFor({ type: 'map', entries: [] })).toBe('plain');
  });

  it('formats rates', () => {
    expect(formatRate(0)).toBe('0');
    expect(formatRate(0.5)).toBe('0.50');
    expect(formatRate(12345)).toBe('12.3k');
    expect(formatRate(Infinity)).toBe('—');
  });
});
