import { describe, expect, it } from 'vitest';
import type { FlameSnapshot, HostRunView } from '../../../common/contract/index.js';
import { mergeFlames, mergedKey, mergeMaps, stackMapNames } from './merge.js';

const flame = (name: string, v: number, c: FlameSnapshot['tree']['c']): FlameSnapshot => ({ name, t: 1, snapshot: true, total: v, stacks: 1, keyParts: ['kstack'], minFraction: 0, nodes: 2, prunedNodes: 0, atKeyLimit: false, tree: { n: 'all', v, c } });

describe('merging hosts', () => {
  const a: Pick<HostRunView, 'target' | 'maps' | 'flames'> = {
    target: 'web1',
    maps: [
      { type: 'map', t: 1, name: '@c', entries: [{ key: 'bash', value: 3 }, { key: 'sshd', value: 10 }], snapshot: true },
      { type: 'hist', t: 1, name: '@h', entries: [{ key: null, buckets: [{ min: 0, max: 1, count: 2 }] }], snapshot: true },
    ],
    flames: [flame('@s', 5, [{ n: 'f', v: 5 }])],
  };
  const b: typeof a = {
    target: 'db',
    maps: [
      { type: 'map', t: 1, name: '@c', entries: [{ key: 'bash', value: 7 }], snapshot: true },
      { type: 'map', t: 1, name: '@big', entries: [{ key: null, value: '18446744073709551615' }], snapshot: true },
    ],
    flames: [flame('@s', 2, [{ n: 'g', v: 2 }])],
  };

  it('makes the host a key part of every map, keeping equal keys of different hosts apart', () => {
    const m = mergeMaps([a, b]);
    expect(m.map((x) => x.name)).toEqual(['@big', '@c', '@h']);
    const c = m.find((x) => x.name === '@c')!;
    expect(c.rows.map(mergedKey)).toEqual(['web1,sshd', 'db,bash', 'web1,bash']);
    expect(c.rows.map((r) => r.value)).toEqual([10, 7, 3]);
    expect(c.hosts).toEqual(['web1', 'db']);
    // A histogram stays per host (drawn side by side), a map only one host printed says so.
    expect(m.find((x) => x.name === '@h')).toMatchObject({ kind: 'hist', hosts: ['web1'], hists: [{ host: 'web1' }] });
    // A big integer is shown exactly, as bpftrace printed it.
    expect(m.find((x) => x.name === '@big')!.rows[0]).toMatchObject({ host: 'db', key: null, text: '18446744073709551615' });
  });

  it('puts each host at the root of a merged flame graph', () => {
    expect(stackMapNames([a, b])).toEqual(['@s']);
    expect(mergeFlames([a, b], '@s')).toEqual({ n: 'all hosts', v: 7, c: [{ n: 'web1', v: 5, c: [{ n: 'f', v: 5 }] }, { n: 'db', v: 2, c: [{ n: 'g', v: 2 }] }] });
    expect(mergeFlames([a, b], '@none')).toBeNull();
  });
});

describe('histograms overlaid across hosts', () => {
  it('lines up every host on the union of the buckets, underflow first and overflow last', async () => {
    const { overlayHists } = await import('./merge.js');
    const h = (buckets: { min?: number; max?: number; count: number }[]) => ({ type: 'hist' as const, t: 1, name: '@h', snapshot: true, entries: [{ key: null, buckets }] });
    const o = overlayHists([
      { host: 'a', map: h([{ min: 1, max: 2, count: 3 }, { min: 4, count: 1 }]) },
      { host: 'b', map: h([{ max: 0, count: 2 }, { min: 1, max: 2, count: 5 }, { min: 2, max: 4, count: 7 }]) },
    ]);
    expect(o.series).toEqual(['a', 'b']);
    expect(o.rows).toEqual([
      { label: '< 0', counts: [0, 2] },
      { label: '1–2', counts: [3, 5] },
      { label: '2–4', counts: [0, 7] },
      { label: '≥ 4', counts: [1, 0] },
    ]);
  });
});
