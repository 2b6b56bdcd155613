import { describe, expect, it } from 'vitest';
import { decimate, downsample, eventRate, History, KEY_SAMPLE_CAP, MapHistory, perKeyCap, pointsFor, rateOf, topKeys, type Sample } from './history.js';

const series = (n: number, f: (i: number) => number = (i) => i): Sample[] => Array.from({ length: n }, (_, i) => ({ t: i * 10, v: f(i) }));

describe('history of counting maps', () => {
  it('gives a per-second rate from consecutive snapshots', () => {
    let h = MapHistory.empty().recorded(1000, [{ key: 'bash', value: 10 }]);
    expect(h.rate('bash')).toBeNull(); // printed once: no rate yet ("—")
    h = h.recorded(1500, [{ key: 'bash', value: 60 }, { key: 'sshd', value: 3 }]);
    expect(h.rate('bash')).toBe(100);
    expect(h.rate('sshd')).toBeNull();
    expect(h.rate('never')).toBeNull();
    expect(h.series('bash')).toEqual([{ t: 1000, v: 10 }, { t: 1500, v: 60 }]);
  });

  it('ignores a repeated snapshot and non-numeric values', () => {
    const h0 = MapHistory.empty();
    const h1 = h0.recorded(1000, [{ key: 'a', value: 1 }]);
    expect(h1).not.toBe(h0);
    expect(h1.recorded(1000, [{ key: 'a', value: 2 }])).toBe(h1);
    const h = h1.recorded(2000, [{ key: 'a', value: 'text' }, { key: null, value: 5 }]);
    expect(h.series('a')).toHaveLength(1);
    expect(h.series(null)).toEqual([{ t: 2000, v: 5 }]);
  });

  it('stays bounded with 10k keys over a long run, and keeps the rate exact', () => {
    let h = new History();
    const entries = (s: number) => Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: s * (i + 1) }));
    for (let s = 1; s <= 100; s++) h = h.recorded('@', s * 1000, entries(s));
    const m = h.get('@')!;
    let total = 0;
    for (const k of m.keys()) total += k.n;
    expect(total).toBeLessThanOrEqual(10_000 * perKeyCap(10_000));
    expect(m.rate('k0')).toBe(1);
    expect(m.rate('k9999')).toBe(10_000);
    expect(topKeys(m, 5)).toEqual(['k9999', 'k9998', 'k9997', 'k9996', 'k9995']);
  });

  it('recording leaves every earlier version as it was, also when an old version records again', () => {
    const v1 = MapHistory.empty().recorded(1000, [{ key: 'a', value: 1 }]);
    const v2 = v1.recorded(2000, [{ key: 'a', value: 3 }]);
    const v2b = v1.recorded(3000, [{ key: 'a', value: 10 }]); // a branch from v1
    expect(v1.series('a')).toEqual([{ t: 1000, v: 1 }]);
    expect(v1.rate('a')).toBeNull();
    expect(v2.series('a')).toEqual([{ t: 1000, v: 1 }, { t: 2000, v: 3 }]);
    expect(v2.rate('a')).toBe(2);
    expect(v2b.series('a')).toEqual([{ t: 1000, v: 1 }, { t: 3000, v: 10 }]);
    expect(v2b.rate('a')).toBe(4.5);
    // Past the cap: decimated in the new version only.
    let h = new History();
    const versions: History[] = [];
    for (let s = 1; s <= KEY_SAMPLE_CAP + 5; s++) versions.push((h = h.recorded('@', s, [{ key: 'k', value: s }])));
    expect(versions[9].get('@')!.series('k').map((x) => x.v)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(h.get('@')!.series('k').length).toBeLessThanOrEqual(KEY_SAMPLE_CAP);
    expect(h.get('@')!.rate('k')).toBe(1000);
  });

  it('decimates a series to fit, keeping its first and last samples', () => {
    const d = decimate(series(1001), 300);
    expect(d.length).toBeLessThanOrEqual(300);
    expect(d[0]).toEqual({ t: 0, v: 0 });
    expect(d[d.length - 1]).toEqual({ t: 10_000, v: 1000 });
  });

  it('computes rates and event rates', () => {
    expect(rateOf({ t: 0, v: 0 }, { t: 2000, v: 10 })).toBe(5);
    expect(rateOf({ t: 5, v: 0 }, { t: 5, v: 10 })).toBeNull();
    expect(rateOf(null, { t: 5, v: 10 })).toBeNull();
    expect(eventRate(null, { events: 1, elapsedMs: 1 })).toBeNull();
    expect(eventRate({ events: 100, elapsedMs: 1000 }, { events: 600, elapsedMs: 2000 })).toBe(500);
  });
});

describe('downsample', () => {
  it('leaves short series alone', () => {
    expect(downsample(series(10), 600)).toEqual(series(10));
  });

  it('never returns more than asked, keeps the ends and the peaks', () => {
    const s = series(100_000, (i) => (i === 54_321 ? 1e9 : i % 7));
    const d = downsample(s, 600);
    expect(d.length).toBeLessThanOrEqual(600);
    expect(d[0]).toBe(s[0]);
    expect(d[d.length - 1]).toBe(s[s.length - 1]);
    expect(d.some((p) => p.v === 1e9)).toBe(true);
    for (let i = 1; i < d.length; i++) expect(d[i].t).toBeGreaterThanOrEqual(d[i - 1].t);
  });

  it('gives at most one point a pixel and at most 600', () => {
    expect(pointsFor(300)).toBe(300);
    expect(pointsFor(4000)).toBe(600);
    expect(downsample(series(5000), pointsFor(120)).length).toBeLessThanOrEqual(120);
  });
});
