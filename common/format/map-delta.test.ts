import { describe, expect, it } from 'vitest';
import { MapDeltaDecoder, MapDeltaEncoder, isMapDelta, type Print } from './map-delta.js';

// A deterministic PRNG: the sequences are random-looking but the same every run.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Encode every print, decode the lines back (as a reader gets them), compare texts. */
function roundTrip(prints: Print[], minFull = 0): { lines: string[] } {
  const enc = new MapDeltaEncoder(minFull);
  const dec = new MapDeltaDecoder();
  const lines: string[] = [];
  for (const p of prints) {
    const line = enc.line(p);
    lines.push(line);
    const parsed = JSON.parse(line) as unknown;
    let back: Print;
    if (isMapDelta(parsed)) back = dec.apply(parsed);
    else {
      back = parsed as Print;
      dec.full(back);
    }
    expect(JSON.stringify(back)).toBe(JSON.stringify(p));
  }
  return { lines };
}

describe('map deltas', () => {
  it('rebuild every print of a growing, re-sorted stack map exactly, and write less than full prints', () => {
    const r = rng(7);
    const counts = new Map<string, number | string>();
    const prints: Print[] = [];
    for (let t = 1; t <= 60; t++) {
      for (let k = 0; k < 300; k++) {
        const key = `\nfunc_${Math.floor(r() ** 3 * 2000)}\nentry_SYSCALL_64\n`;
        const v = counts.get(key);
        counts.set(key, typeof v === 'number' ? v + 1 : 1);
      }
      if (t === 30) counts.set('\nhuge\n', '9223372036854775807'); // exact text beyond 2^53 stays text
      if (t === 40) counts.delete([...counts.keys()][3]); // clear()/delete() of one key
      // bpftrace's order: by value, ties in its own (here: arbitrary but fixed) order.
      const entries = [...counts].map(([key, value]) => ({ key, value })).sort((a, b) => (typeof a.value === 'number' && typeof b.value === 'number' ? a.value - b.value : typeof a.value === 'string' ? 1 : -1) || (r() < 0.5 ? -1 : 1));
      prints.push({ type: 'map', t: t * 1000, name: '@', entries, snapshot: t < 60, by: 'kscope' });
    }
    const { lines } = roundTrip(prints);
    const written = lines.reduce((a, l) => a + l.length, 0);
    const full = prints.reduce((a, p) => a + JSON.stringify(p).length, 0);
    expect(lines.filter((l) => l.startsWith('{"type":"mapdelta"')).length).toBeGreaterThan(30);
    expect(written).toBeLessThan(full / 3);
  });

  it('write a full print for repeated keys, small maps, and entries not led by their key; hist and stats rebuild too', () => {
    const big = Array.from({ length: 400 }, (_, i) => ({ key: `comm${i},${i}`, value: i }));
    const dup: Print = { type: 'map', t: 2, name: '@d', entries: [...big, { key: 'comm1,1', value: 3 }], snapshot: true, duplicateKeys: ['comm1,1'] };
    const hist = (t: number, c: number): Print => ({ type: 'hist', t, name: '@h', entries: big.map((e) => ({ key: e.key, buckets: [{ min: 0, max: 1, count: e.value + c }, { min: 2, count: 1 }] })), snapshot: true });
    const odd: Print = { type: 'stats', t: 5, name: '@s', entries: big.map((e) => ({ value: { count: 1, average: 1, total: 1 }, key: e.key }) as unknown as { key: string }), snapshot: false };
    const { lines } = roundTrip([
      { type: 'map', t: 1, name: '@d', entries: big, snapshot: true },
      dup,
      { type: 'map', t: 3, name: '@d', entries: big, snapshot: true },
      hist(1, 0),
      hist(2, 0),
      hist(3, 1),
      { type: 'map', t: 4, name: '@x', entries: [{ key: null, value: 1 }], snapshot: true },
      { type: 'map', t: 5, name: '@x', entries: [{ key: null, value: 2 }], snapshot: true },
      odd,
      odd,
    ], 1000);
    const kinds = lines.map((l) => (JSON.parse(l) as { type: string }).type);
    expect(kinds).toEqual(['map', 'map', 'map', 'hist', 'mapdelta', 'mapdelta', 'map', 'map', 'stats', 'stats']);
  });

  it('checkpoint with a full print once the deltas add up to one', () => {
    const entries = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: i }));
    const prints: Print[] = [];
    for (let t = 0; t < 400; t++) {
      entries[t % 200] = { key: `k${t % 200}`, value: 1000 + t }; // one change per print
      prints.push({ type: 'map', t, name: '@', entries: entries.slice(), snapshot: true });
    }
    const { lines } = roundTrip(prints);
    const fulls = lines.filter((l) => l.startsWith('{"type":"map"'));
    expect(fulls.length).toBeGreaterThan(2);
    expect(fulls.length).toBeLessThan(40);
  });

  it('refuse a change whose full print is missing or that does not fit', () => {
    const dec = new MapDeltaDecoder();
    expect(() => dec.apply({ type: 'mapdelta', t: 1, name: '@', n: 1, ev: { type: 'map', t: 1, name: '@', entries: 0, snapshot: true } })).toThrow(/without its full print/);
    dec.full({ type: 'map', t: 0, name: '@', entries: [{ key: 'a', value: 1 }], snapshot: true });
    expect(() => dec.apply({ type: 'mapdelta', t: 1, name: '@', n: 2, ev: { type: 'map', t: 1, name: '@', entries: 0, snapshot: true } })).toThrow(/rebuilds 1 entries where 2/);
    expect(() => dec.apply({ type: 'mapdelta', t: 1, name: '@', n: 1, del: [5], ev: {} })).toThrow(/unknown key/);
  });
});
