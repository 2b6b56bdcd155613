// The fast fold (StackFolder: frames interned in place in the key, sorted paths, flat
// arrays) against a straightforward reference fold (test/support/reference-fold.ts) on real
// bpftrace output of every tested version and on keys built to break it. Trees are compared
// whole (every node, name and count), children in a canonical order.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlameNode, MapEvent, TraceEvent } from '../contract/index.js';
import { StdoutDecoder } from '../../node/engine/decode-stdout.js';
import { canonical, referenceFold, referencePrune } from '../../test/support/reference-fold.js';
import { kstackKey, syntheticProfile } from '../../test/support/synthetic-profile.js';
import { hashRange, RangeTable } from './frame-table.js';
import { isStackMap, pruneTree, StackFolder, type KeyPart } from './stacks.js';

const FIX = path.resolve(__dirname, '../../test/fixtures');
type Entries = { key: string | null; value: unknown }[];

const fast = (entries: Entries, folder = new StackFolder()): FlameNode => canonical(pruneTree(folder.fold(entries), 0).tree);
const ref = (entries: Entries, keyParts?: readonly KeyPart[] | null): FlameNode =>
  canonical(referenceFold(entries, keyParts === undefined ? {} : { emptyStacks: { keyParts } }));

function countNodes(t: FlameNode): number {
  return 1 + (t.c ?? []).reduce((a, c) => a + countNodes(c), 0);
}

/** Every stack map print in a bpftrace fixture, decoded as the engine decodes it. */
function stackMaps(version: string, name: string): MapEvent[] {
  const dir = path.join(FIX, `bpftrace-${version}`);
  const d = new StdoutDecoder({ bpftraceVersion: fs.readFileSync(path.join(dir, 'VERSION.txt'), 'utf8').split('\n')[0] });
  const evs: TraceEvent[] = [...d.push(fs.readFileSync(path.join(dir, `${name}.stdout.ndjson`), 'utf8'), 0), ...d.end(0)];
  return evs.filter((e): e is MapEvent => e.type === 'map' && isStackMap(e.entries));
}

describe('fold = reference fold on real bpftrace output', () => {
  for (const v of ['0.17', '0.23', '0.27']) {
    for (const name of ['kstack', 'dup-stacks']) {
      it(`bpftrace ${v} ${name}: every print, one folder across prints`, () => {
        const maps = stackMaps(v, name);
        expect(maps.length, 'stack map prints in the fixture').toBeGreaterThan(0);
        const folder = new StackFolder();
        for (const m of maps) {
          const want = ref(m.entries);
          expect(fast(m.entries, folder)).toEqual(want);
          expect(countNodes(want)).toBeGreaterThan(1);
        }
      });
    }
  }

  it('a recorded CPU profile with empty kstacks ([kstack, comm]), empty stacks named', () => {
    const lines = fs.readFileSync(path.join(FIX, 'exports', 'profile-a.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; name?: string; entries?: Entries });
    const prints = lines.filter((l) => l.type === 'map' && l.name === '@stacks');
    expect(prints.length).toBeGreaterThan(0);
    const keyParts: KeyPart[] = ['kstack', 'string'];
    const folder = new StackFolder({ emptyStacks: { keyParts } });
    for (const p of prints) expect(fast(p.entries!, folder)).toEqual(ref(p.entries!, keyParts));
  });

  it('the bench profile (2,000 synthetic kstacks), then a second print with changed counts', () => {
    const gen = syntheticProfile(7);
    const stacks = gen.stacks(2000, 25);
    const counts = gen.counts(stacks.length, 50_000);
    const entries = stacks.map((s, i) => ({ key: kstackKey(s), value: counts[i] }));
    const folder = new StackFolder();
    expect(fast(entries, folder)).toEqual(ref(entries));
    const later = entries.filter((_, i) => i % 3 !== 0).map((e, i) => ({ key: e.key, value: (e.value as number) + i }));
    expect(fast(later, folder)).toEqual(ref(later));
  });

  it('many prints with keys coming and going through one folder (cache and path pool compaction)', () => {
    const gen = syntheticProfile(3);
    const stacks = gen.stacks(12_000, 25);
    const counts = gen.counts(stacks.length, 100_000);
    const all = stacks.map((s, i) => ({ key: kstackKey(s), value: counts[i] }));
    const folder = new StackFolder();
    // Disjoint windows of 3,000 keys, then back to the first, then everything.
    const prints = [0, 1, 2, 3, 0].map((w) => all.slice(w * 3000, w * 3000 + 3000));
    prints.push(all);
    for (const p of prints) expect(fast(p, folder)).toEqual(ref(p));
    // A comm with a comma seen before a key that shows the map has fewer parts.
    const withComm = [{ key: '\n    f+1\n,a,b,7', value: 1 }, ...all.slice(0, 50).map((e) => ({ key: `${e.key},bash,7`, value: e.value }))];
    expect(fast(withComm, folder)).toEqual(ref(withComm));
  });
});

describe('a re-print of the same keys (counts only: no sort, no path walk)', () => {
  const gen = syntheticProfile(5);
  const stacks = gen.stacks(3000, 25);
  const base = stacks.map((s, i) => ({ key: kstackKey(s), value: 1 + (i % 17) }));
  const odd = [
    { key: '\n,chromium', value: 2 },
    { key: '', value: 5 },
    { key: '\n    f+1\n,bash,7', value: 3 },
    { key: '\n    f+2\n,bash,7', value: 4 }, // another key, the same path
  ];

  it('gives the reference tree for new counts, in another order, with a key twice, and shares the nodes', () => {
    for (const keyParts of [undefined, ['kstack', 'string'] as KeyPart[]]) {
      const folder = new StackFolder(keyParts ? { emptyStacks: { keyParts } } : {});
      const first = [...base, ...odd.map((e) => ({ ...e, key: e.key === '' ? '' : e.key }))];
      const t1 = folder.fold(first);
      expect(canonical(pruneTree(t1, 0).tree)).toEqual(ref(first, keyParts));
      // Fresh strings (as a new print's decode makes them), reversed, new counts, one key twice.
      const again = first.map((e, i) => ({ key: (' ' + e.key).slice(1), value: String(7 + ((i * 13) % 101)) })).reverse();
      again.push({ key: again[5].key, value: '1000' });
      const t2 = folder.fold(again);
      expect(t2.parent, 'the same nodes, shared').toBe(t1.parent);
      expect(canonical(pruneTree(t2, 0).tree)).toEqual(ref(again, keyParts));
      expect(pruneTree(t2, 1 / 500)).toEqual(pruneTree(new StackFolder(keyParts ? { emptyStacks: { keyParts } } : {}).fold(again), 1 / 500));
      // The earlier tree is untouched by the re-print.
      expect(canonical(pruneTree(t1, 0).tree)).toEqual(ref(first, keyParts));
    }
  });

  it('folds again in full when a key is missing, new, or counts could round', () => {
    const folder = new StackFolder();
    const t1 = folder.fold(base);
    const fewer = base.slice(1);
    const t2 = folder.fold(fewer);
    expect(t2.parent).not.toBe(t1.parent);
    expect(canonical(pruneTree(t2, 0).tree)).toEqual(ref(fewer));
    const more = [...fewer, base[0], { key: '\n    brand_new+1\n', value: 1 }];
    const t3 = folder.fold(more);
    expect(t3.parent).not.toBe(t2.parent);
    expect(canonical(pruneTree(t3, 0).tree)).toEqual(ref(more));
    // The same keys again, but beyond 2^53 in total: folded in full, in the fold's own order
    // (multiples of 2^12 here, so every sum is exact and the reference agrees).
    const huge = more.slice(0, 10).map((e, i) => ({ key: e.key, value: 2 ** 54 + 4096 * i }));
    const t4 = folder.fold(huge);
    expect(canonical(pruneTree(t4, 0).tree)).toEqual(ref(huge));
    const t5 = folder.fold(huge.map((e) => ({ ...e })));
    expect(t5.parent).not.toBe(t4.parent);
    expect(canonical(pruneTree(t5, 0).tree)).toEqual(ref(huge));
    // And non-integer counts (a sum() of fractions is not a bpftrace count, but do not round it differently).
    const frac = huge.map((e, i) => ({ key: e.key, value: 0.1 * (i + 1) }));
    const t6 = folder.fold(frac);
    expect(folder.fold(frac).parent).not.toBe(t6.parent);
    const zero = more.map((e, i) => ({ key: e.key, value: i === 0 ? 0 : 1 }));
    expect(canonical(pruneTree(folder.fold(zero), 0).tree)).toEqual(ref(zero));
  });
});

describe('pruneTree = reference cut of the reference fold', () => {
  const gen = syntheticProfile(11);
  const stacks = gen.stacks(3000, 25);
  const counts = gen.counts(stacks.length, 200_000);
  const entries = stacks.map((s, i) => ({ key: kstackKey(s), value: counts[i] }));
  const tree = new StackFolder().fold(entries);
  const full = referenceFold(entries);
  for (const f of [0, 1 / 2000, 1 / 200, 1 / 20]) {
    it(`at ${f}`, () => {
      const r = pruneTree(tree, f);
      const want = referencePrune(full, f);
      expect(canonical(r.tree)).toEqual(canonical(want));
      expect(r.nodes).toBe(countNodes(want));
      expect(r.total).toBe(200_000);
    });
  }
  it('focused on a deep frame, and on a path that is not there', () => {
    // The heaviest path three levels down.
    const path = ['all'];
    let n = full;
    for (let d = 0; d < 3; d++) {
      n = [...n.c!].sort((a, b) => b.v - a.v)[0];
      path.push(n.n);
    }
    const r = pruneTree(tree, 1 / 100, path);
    expect(r.total).toBe(n.v);
    expect(canonical(r.tree)).toEqual(canonical(referencePrune(full, 1 / 100, path)));
    expect(pruneTree(tree, 1 / 100, [...path, 'no such frame']).tree).toEqual({ n: 'no such frame', v: 0 });
  });
});

describe('fold = reference fold on adversarial keys', () => {
  const cases: Record<string, Entries> = {
    'duplicate frames in a stack and duplicate keys in a print': [
      { key: '\n    f+1\n    f+1\n    f+2\n    g+3\n', value: 2 },
      { key: '\n    f+1\n    f+1\n    f+2\n    g+3\n', value: 5 },
      { key: '\n    f+9\n    g+3\n', value: 1 },
      { key: '\n    g+3\n    g+3\n', value: 4 },
    ],
    'UTF-8 restored from escapes, lone and paired surrogates, \\xNN bytes': [
      { key: '\n    café_fn+1\n    中文+2\n    root+0\n', value: 3 },
      { key: '\n    café_fn+2\n    中文+2\n    root+0\n', value: 1 },
      { key: '\n    cafe_fn+1\n    中文+2\n    root+0\n', value: 1 },
      { key: '\n    𝄞clef+1\n    \\xff\\xfe+3\n    root+0\n', value: 7 },
      { key: '\n    \ud800+1\n    root+0\n', value: 1 },
      { key: '\n    \ufffff0+1\n    root+0\n', value: 1 },
    ],
    'empty stacks in every layout, one-frame stacks': [
      { key: '\n,chromium', value: 2 },
      { key: ',chromium', value: 3 },
      { key: '\n    f+1\n,chromium', value: 1 },
      { key: '\n    only+1\n', value: 9 },
      { key: '\n', value: 4 },
      { key: '', value: 5 },
      { key: '\n,\n    read+3\n,node', value: 1 },
      { key: '\n    k+1\n,\n,node', value: 1 },
    ],
    'offsets of every form, blank and spaced frames, frames that differ in one char': [
      { key: '\n    f+0x1f\n    f+12 (/lib/x.so)\n    [unknown]\n    +5\n    f+\n', value: 1 },
      { key: '\n    foo bar+1\n          \n    a\n', value: 2 },
      { key: '\n    abcdefghijklmnopqrstuvwxyz+1\n    abcdefghijklmnopqrstuvwxyZ+1\n    abcdefghijklmnopqrstuvwxy+1\n', value: 3 },
      { key: '\n    x+1\n\n    y+2\n', value: 1 },
    ],
    'groups: comm with commas, numbers, stacks after groups, values as strings, skipped values': [
      { key: '\n    f+1\n,a,b,7', value: 1 },
      { key: '\n    f+1\n,bash,7', value: 2 },
      { key: 'bash,\n    g+1\n    h+2\n', value: '3' },
      { key: '\n    f+1\n,bash,7', value: '18446744073709551615' },
      { key: '\n    f+1\n,zero,1', value: 0 },
      { key: '\n    f+1\n,neg,1', value: -3 },
      { key: null, value: 4 },
      { key: '\n    f+1\n,nan,1', value: 'x' },
    ],
    'a frame longer than the pool and many distinct frames (table growth)': [
      { key: `\n    ${'w'.repeat(20_000)}+1\n    root+0\n`, value: 1 },
      ...Array.from({ length: 3000 }, (_, i) => ({ key: `\n    leaf_${i}+${i}\n    mid_${i % 37}+1\n    root+0\n`, value: 1 + (i % 5) })),
    ],
  };
  for (const [name, entries] of Object.entries(cases)) {
    it(name, () => {
      expect(fast(entries)).toEqual(ref(entries));
    });
  }

  it('empty stacks named from the declared key parts', () => {
    const entries = cases['empty stacks in every layout, one-frame stacks'];
    for (const keyParts of [null, ['kstack', 'string'], ['kstack', 'ustack', 'string'], ['ustack', 'string']] as (KeyPart[] | null)[]) {
      expect(fast(entries, new StackFolder({ emptyStacks: { keyParts } }))).toEqual(ref(entries, keyParts));
    }
  });

  /** Names of one length whose hashRange collide: scrambled hex after `prefix`; ~n²/2³³ pairs, 3 by n ≈ 150 k. */
  function collisions(prefix: string): [string, string][] {
    // (Plain decimal names "fn_100000".."fn_999999" happen to have no FNV-1a collision.)
    const seen = new Map<number, string>();
    const pairs: [string, string][] = [];
    for (let i = 100_000; pairs.length < 3 && i < 1_000_000; i++) {
      const s = `${prefix}${(Math.imul(i, 2654435761) >>> 0).toString(16).padStart(8, '0')}`;
      const h = hashRange(s, 0, s.length);
      const o = seen.get(h);
      if (o !== undefined) pairs.push([o, s]);
      else seen.set(h, s);
    }
    return pairs;
  }

  // Short names are compared inside the table's slot; long ones there and then in its pool.
  for (const prefix of ['f_', 'a_frame_name_longer_than_the_slot_holds_']) {
    it(`frames whose 32-bit hashes collide are still told apart (${prefix.length + 8} chars)`, () => {
      const pairs = collisions(prefix);
      expect(pairs.length).toBe(3);
      const entries = pairs.flatMap(([a, b], i) => [
        { key: `\n    ${a}+1\n    root+0\n`, value: 1 + i },
        { key: `\n    ${b}+1\n    root+0\n`, value: 10 + i },
      ]);
      const tree = fast(entries);
      expect(tree).toEqual(ref(entries));
      expect(tree.c![0].c!.length).toBe(6);
      // And the table on its own, looked up inside a longer string.
      const t = new RangeTable(4);
      pairs.flat().forEach((s, i) => {
        const key = `<<${s}>>`;
        expect(t.get(key, 2, 2 + s.length)).toBe(-1);
        t.addLast(key, 2, 2 + s.length, i);
      });
      pairs.flat().forEach((s, i) => expect(t.get(`..${s}`, 2, 2 + s.length)).toBe(i));
      expect(t.get(prefix, 0, prefix.length)).toBe(-1);
    });
  }
});
