import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlameNode } from '../contract/index.js';
import { countNodes, foldText, frameName, isStackKey, isStackMap, normalizeGroups, parseStackKey, pruneTree, StackFolder, topFunctions } from './stacks.js';

const child = (n: FlameNode, name: string): FlameNode => {
  const c = n.c?.find((x) => x.n === name);
  if (!c) throw new Error(`no child ${name} under ${n.n}: ${(n.c ?? []).map((x) => x.n).join(', ')}`);
  return c;
};

describe('stack keys', () => {
  it('recognises stack keys in every layout', () => {
    expect(isStackKey('\n    f+1\n    g+2\n')).toBe(true);
    expect(isStackKey('\n  f+1\n,bash')).toBe(true);
    expect(isStackKey('bash,\n  f+1\n')).toBe(true);
    expect(isStackKey('bash')).toBe(false);
    expect(isStackKey(null)).toBe(false);
  });

  it('splits [kstack, comm], [comm, kstack] and [kstack, ustack, comm]', () => {
    expect(parseStackKey('\n  f+1\n  g+2\n,bash')).toEqual({ groups: ['bash'], stacks: [['f+1', 'g+2']], layout: ['stack', 'other'] });
    expect(parseStackKey('bash,\n  f+1\n  g+2\n')).toEqual({ groups: ['bash'], stacks: [['f+1', 'g+2']], layout: ['other', 'stack'] });
    expect(parseStackKey('\n  k1+1\n,\n  u1+3\n  main+9\n,node,42')).toEqual({
      groups: ['node', '42'],
      stacks: [['k1+1'], ['u1+3', 'main+9']],
      layout: ['stack', 'stack', 'other', 'other'],
    });
  });

  it('reads an empty stack (kstack sampled in user space)', () => {
    expect(parseStackKey('\n,chromium')).toEqual({ groups: ['chromium'], stacks: [[]], layout: ['stack', 'other'] });
    expect(parseStackKey('\n,\n  read+3\n,node')).toEqual({ groups: ['node'], stacks: [[], ['read+3']], layout: ['stack', 'stack', 'other'] });
    const tree = pruneTree(new StackFolder().fold([{ key: '\n,chromium', value: 2 }, { key: '\n  f+1\n,chromium', value: 1 }]), 0).tree;
    expect(tree).toEqual({ n: 'all', v: 3, c: [{ n: 'chromium', v: 3, c: [{ n: 'f', v: 1 }] }] });
  });

  it('keeps commas inside a comm once the part count is known', () => {
    expect(parseStackKey('\n  f+1\n,a,b,7').groups).toEqual(['a', 'b', '7']);
    expect(normalizeGroups(['a', 'b', '7'], 2)).toEqual(['a,b', '7']);
    expect(normalizeGroups(['x', 'y', 'z'], 1)).toEqual(['x,y,z']);
    const t = new StackFolder().fold([
      { key: '\n  f+1\n,bash,1', value: 2 },
      { key: '\n  f+1\n,we,ird,2', value: 3 },
    ]);
    const tree = pruneTree(t, 0).tree;
    expect(tree.c!.map((c) => c.n).sort()).toEqual(['bash', 'we,ird']);
    expect(child(child(tree, 'we,ird'), '2').v).toBe(3);
  });

  it('strips offsets and keeps [unknown]', () => {
    expect(frameName('pv_native_safe_halt+11')).toBe('pv_native_safe_halt');
    expect(frameName('foo+0x1f')).toBe('foo');
    expect(frameName('[unknown]')).toBe('[unknown]');
    expect(frameName('a+b')).toBe('a+b');
    expect(frameName('operator+')).toBe('operator+');
  });
});

describe('folding', () => {
  it('folds leaf-first stacks root-first with totals', () => {
    const t = foldText([
      { frames: 'halt+1\nidle+2\nstart+3', count: 5 },
      { frames: 'memcpy+9\nread+2\nstart+3', count: 3 },
      { frames: 'halt+4\nidle+2\nstart+3', count: 2 },
    ]);
    const { tree, nodes, prunedNodes } = pruneTree(t, 0);
    expect(tree.n).toBe('all');
    expect(tree.v).toBe(10);
    const start = child(tree, 'start');
    expect(start.v).toBe(10);
    expect(child(child(start, 'idle'), 'halt').v).toBe(7); // offsets stripped: one node
    expect(child(child(start, 'read'), 'memcpy').v).toBe(3);
    expect(nodes).toBe(6);
    expect(prunedNodes).toBe(0);
    expect(start.c!.map((c) => c.n)).toEqual(['idle', 'read']); // widest first
  });

  it('groups by comm first, then frames', () => {
    const t = foldText([
      { frames: 'f\ng', count: 4, groups: ['bash'] },
      { frames: 'f\ng', count: 1, groups: ['node'] },
      { frames: 'h\ng', count: 2, groups: ['bash'] },
    ]);
    const tree = pruneTree(t, 0).tree;
    expect(tree.c!.map((c) => [c.n, c.v])).toEqual([
      ['bash', 6],
      ['node', 1],
    ]);
    expect(child(child(child(tree, 'bash'), 'g'), 'h').v).toBe(2);
  });

  it('puts user frames above kernel frames for [kstack, ustack]', () => {
    const t = new StackFolder().fold([{ key: '\n  sys_read+1\n  entry+2\n,\n  read+3\n  main+4\n', value: 1 }]);
    const tree = pruneTree(t, 0).tree;
    expect(child(child(child(child(tree, 'main'), 'read'), 'entry'), 'sys_read').v).toBe(1);
  });

  it('folds the real 0.17 kstack fixture', () => {
    const lines = fs.readFileSync('test/fixtures/bpftrace-0.17/kstack.stdout.ndjson', 'utf8').split('\n').filter((l) => l.startsWith('{"type": "map"'));
    const data = JSON.parse(lines[lines.length - 1]).data['@'] as Record<string, number>;
    const entries = Object.entries(data).map(([key, value]) => ({ key, value }));
    const total = entries.reduce((a, e) => a + e.value, 0);
    const tree = pruneTree(new StackFolder().fold(entries), 0).tree;
    expect(tree.v).toBe(total);
    // The fixture is a real run: which processes and frames it caught depends on the machine's load.
    const firstFrame = entries.find((e) => e.key.startsWith('\n'))!.key.split('\n')[1].trim().replace(/\+\d+$/, '');
    expect(JSON.stringify(tree)).toContain(JSON.stringify(firstFrame));
    expect(JSON.stringify(tree)).not.toMatch(/\+\d+"/);
  });

  it('handles depth-127 stacks', () => {
    const frames = Array.from({ length: 127 }, (_, i) => `f${i}+${i}`).join('\n');
    const r = pruneTree(foldText([{ frames, count: 3 }]), 0);
    expect(r.nodes).toBe(128);
    let n: FlameNode = r.tree;
    let depth = 0;
    while (n.c?.length) {
      n = n.c[0];
      depth++;
    }
    expect(depth).toBe(127);
    expect(n.n).toBe('f0'); // the leaf
  });

  it('folds 1M samples over many stacks exactly', () => {
    const entries: { key: string; value: number }[] = [];
    for (let i = 0; i < 10_000; i++) entries.push({ key: `\n  leaf${i % 100}+1\n  mid${i % 10}+2\n  root+3\n,c${i % 3}`, value: 100 });
    const t = new StackFolder().fold(entries);
    expect(t.total).toBe(1_000_000);
    const r = pruneTree(t, 0);
    expect(r.tree.c!.reduce((a, c) => a + c.v, 0)).toBe(1_000_000);
  });

  it('re-folds a map printed again (cached keys) with new counts', () => {
    const f = new StackFolder();
    f.fold([{ key: '\n  a+1\n  b+1\n', value: 1 }]);
    const t = f.fold([
      { key: '\n  a+1\n  b+1\n', value: 5 },
      { key: '\n  c+1\n  b+1\n', value: 2 },
    ]);
    expect(pruneTree(t, 0).tree).toEqual({ n: 'all', v: 7, c: [{ n: 'b', v: 7, c: [{ n: 'a', v: 5 }, { n: 'c', v: 2 }] }] });
  });
});

describe('pruning', () => {
  const t = foldText([
    { frames: 'big\nroot', count: 990 },
    { frames: 'tiny1\nroot', count: 4 },
    { frames: 'tiny2\nx\nroot', count: 6 },
  ]);

  it('merges narrow children into one (pruned N frames) child of their parent', () => {
    const r = pruneTree(t, 0.01); // threshold 10 samples
    const root = child(r.tree, 'root');
    expect(root.c!.map((c) => [c.n, c.v])).toEqual([
      ['big', 990],
      ['(pruned 3 frames)', 10],
    ]);
    expect(r.prunedNodes).toBe(3);
    expect(r.nodes).toBe(4);
    expect(countNodes(r.tree)).toBe(r.nodes);
    expect(pruneTree(t, 0).prunedNodes).toBe(0);
  });

  it('cuts below a focus path, relative to the focused node', () => {
    const r = pruneTree(t, 0.5, ['all', 'root', 'x']);
    expect(r.tree).toEqual({ n: 'x', v: 6, c: [{ n: 'tiny2', v: 6 }] });
    expect(r.total).toBe(6);
    expect(pruneTree(t, 0, ['root', 'nope']).total).toBe(0);
  });

  it('keeps a large profile to a few thousand nodes at 1/2000', () => {
    const entries: { key: string; value: number }[] = [];
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20_000; i++) {
      const depth = 5 + Math.floor(rnd() * 20);
      const fr: string[] = [];
      for (let d = 0; d < depth; d++) fr.push(`fn${Math.floor(rnd() * (d < 3 ? 3 : 200))}+${d}`);
      entries.push({ key: `\n${fr.map((f) => `  ${f}\n`).join('')}`, value: 1 + Math.floor(rnd() * 50) });
    }
    const t = new StackFolder().fold(entries);
    const r = pruneTree(t, 1 / 2000);
    const full = pruneTree(t, 0).nodes;
    expect(r.nodes).toBeLessThan(10_000); // kept frames plus one "(pruned)" node under some
    expect(full).toBeGreaterThan(50_000);
    const kept = (n: FlameNode): number => (n.n.startsWith('(pruned') ? 0 : 1) + (n.c ?? []).reduce((a, c) => a + kept(c), 0);
    expect(kept(r.tree) + r.prunedNodes).toBe(full);
    expect(r.tree.v).toBe(entries.reduce((a, e) => a + e.value, 0));
  });
});

describe('top functions (self time)', () => {
  it('ranks leaves by self samples; totals count a function once per stack', () => {
    const tree = pruneTree(
      foldText([
        { frames: 'a\nb\nmain', count: 6 },
        { frames: 'b\nmain', count: 3 },
        { frames: 'b\nb\nmain', count: 1 }, // recursion
      ]),
      0,
    ).tree;
    const top = topFunctions(tree);
    expect(top.map((f) => [f.name, f.self, f.total])).toEqual([
      ['a', 6, 6],
      ['b', 4, 10],
    ]);
    expect(top[0].selfPercent).toBeCloseTo(60);
    expect(top.find((f) => f.name === 'main')).toBeUndefined();
  });

  it('skips group levels and pruned nodes (inverted view: the same table)', () => {
    const tree = pruneTree(
      foldText([
        { frames: 'x\nmain', count: 99, groups: ['bash'] },
        { frames: 'y\nmain', count: 1, groups: ['bash'] },
      ]),
      0.05,
    ).tree;
    const top = topFunctions(tree, { groupLevels: 1 });
    expect(top.map((f) => f.name)).toEqual(['x']);
  });
});

describe('recognising stack maps', () => {
  it('a kstack sampled in user space (an empty key) first does not hide the stacks after it', () => {
    expect(isStackMap([{ key: '' }, { key: '\n    f+1\n    g+2\n' }])).toBe(true);
    expect(isStackMap([{ key: 'bash' }, { key: 'sshd' }])).toBe(false);
  });
});

describe('empty stacks printed as an empty key part', () => {
  it('",node" is an empty kernel stack of comm node, not a group named ",node"', () => {
    const f = new StackFolder();
    const tree = f.fold([
      { key: ',node', value: 3 },
      { key: '\n    f+1\n    g+2\n,node', value: 2 },
    ]);
    const names = pruneTree(tree, 0).tree.c!.map((c) => c.n);
    expect(names).toEqual(['node']);
    expect(pruneTree(tree, 0).tree.c![0].v).toBe(5);
  });
});

