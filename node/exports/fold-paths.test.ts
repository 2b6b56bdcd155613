// The fast folds (FastFold's one-string path in foldedCountsOfMap, StackTable's ids for
// speedscope and pprof) against the part-by-part fold they replace, on keys that take every
// path: offsets in every form, blank and tab frames, ';' and non-ASCII in frames, commas in a
// comm (the fold again by part count), empty stacks, several stacks, a map-name prefix,
// counts beyond 2^53 and fractions, duplicate stacks after offsets are cut.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MapEvent } from '../../common/contract/index.js';
import { normalizeGroups, parseStackKey } from '../../common/profile/stacks.js';
import { EMPTY_STACK, foldedFrame, nameOf } from '../../common/export/folded-frame.js';
import { StackTable } from '../../common/export/stack-table.js';
import { addCounts, readCount, type Count } from '../../common/import/exact-counts.js';
import { foldedCountsOfMap } from './stack-maps.js';

/** The fold as it was before the fast paths: every part a string, joined. */
function partByPart(entries: MapEvent['entries'], prefix?: string): Map<string, Count> {
  const run = (groupParts: number) => {
    const out = new Map<string, Count>();
    let fewest = Infinity;
    let most = 0;
    for (const e of entries) {
      if (e.key === null) continue;
      const v = typeof e.value === 'number' ? e.value : readCount(e.value);
      if (v === null || v <= 0 || (typeof v === 'number' && !Number.isFinite(v))) continue;
      const p = parseStackKey(e.key);
      const g = p.groups.length;
      fewest = Math.min(fewest, g);
      most = Math.max(most, g);
      const parts: string[] = prefix !== undefined ? [foldedFrame(prefix)] : [];
      for (const x of g > groupParts ? normalizeGroups(p.groups, groupParts) : p.groups) parts.push(foldedFrame(x));
      for (let s = p.stacks.length - 1; s >= 0; s--) for (let f = p.stacks[s].length - 1; f >= 0; f--) parts.push(foldedFrame(nameOf(p.stacks[s][f])));
      const k = parts.length > 0 ? parts.join(';') : EMPTY_STACK;
      const prev = out.get(k);
      out.set(k, prev === undefined ? v : (addCounts(prev, v) ?? Number(prev) + Number(v)));
    }
    return { out, fewest, most };
  };
  const first = run(Infinity);
  return first.most > first.fewest ? run(first.fewest).out : first.out;
}

function viaTable(entries: MapEvent['entries'], prefix?: string): Map<string, Count> {
  const t = new StackTable();
  const p = t.add('@', () => entries, prefix);
  const names = t.finish();
  const out = new Map<string, Count>();
  for (let i = 0; i < p.size; i++) out.set(Array.from(p.ids.subarray(p.start[i], p.start[i + 1]), (id) => names[id]).join(';'), p.counts[i]);
  return out;
}

const map = (entries: MapEvent['entries']): MapEvent => ({ type: 'map', t: 0, name: '@s', entries, snapshot: false });

const HOSTILE: MapEvent['entries'] = [
  { key: '\n    do_idle+12\n    cpu_startup_entry+29\n,swapper/0', value: 5 },
  { key: '\n    do_idle+99\n    cpu_startup_entry+3\n,swapper/0', value: 2 }, // the same stack once offsets go
  { key: '\n    f+0x1f\n    g+12 (/lib/x.so)\n    h+\n    +7\n,a,b', value: 3 }, // a comm with a comma
  { key: '\n    \n    \tx+1\n    semi;colon+4\n    caf\u00e9+2\n,c', value: 4 },
  { key: '\n,chromium', value: 6 }, // an empty kstack
  { key: '\n    k1+1\n,\n    u1+3\n    main+9\n,node,42', value: '18446744073709551617' },
  { key: '\n    k1+1\n,\n    u1+3\n    main+9\n,node,42', value: 1 },
  { key: '', value: 7 },
  { key: '\n    frac+1\n', value: 0.25 },
  { key: '\n    zero+1\n', value: 0 },
  { key: null, value: 3 },
  { key: '\n    foo bar+12\n    with space\n', value: 1 },
];

describe('fast folds agree with the part-by-part fold', () => {
  it.each([undefined, '@s', 'pre;fix'])('hostile keys (prefix %s)', (prefix) => {
    const want = partByPart(HOSTILE, prefix);
    expect([...foldedCountsOfMap(map(HOSTILE), prefix)]).toEqual([...want]);
    expect([...viaTable(HOSTILE, prefix)]).toEqual([...want]);
  });

  it('any keys', () => {
    const frame = fc.oneof(
      fc.constantFrom('f', 'g+1', 'g+2', 'h+0x10', 'x+5 (/lib/a.so)', ' ', '', 'a;b+3', '\u00e9t\u00e9+1', '+4', 'k+'),
      fc.string({ maxLength: 5 }).map((s) => s.replace(/[\n,]/g, '')),
    );
    const stack = fc.array(frame, { maxLength: 5 }).map((fs) => '\n' + fs.map((f) => `    ${f}\n`).join(''));
    const key = fc.tuple(stack, fc.constantFrom('', ',bash', ',a,b', ',bash,12', ',,x')).map(([s, g]) => s + g);
    fc.assert(
      fc.property(fc.array(fc.record({ key, value: fc.oneof(fc.nat(), fc.constant('9007199254740993')) }), { maxLength: 30 }), (entries) => {
        const want = partByPart(entries);
        expect([...foldedCountsOfMap(map(entries))]).toEqual([...want]);
        expect([...viaTable(entries)]).toEqual([...want]);
      }),
      { numRuns: 200 },
    );
  });
});
