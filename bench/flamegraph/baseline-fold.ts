// The fold and the cut as they were before issue 11 (commit bb142f9, common/profile/stacks.ts),
// frozen here so bench/flamegraph can time them in the same run as today's: on a machine
// shared with other work the wall times move with the load, their ratio much less.
// Not used by anything but the bench.
import type { FlameNode } from '../../common/contract/index.js';
import { emptyStackName } from '../../common/profile/empty-stack.js';
import { FlameTree, frameName, normalizeGroups, parseStackKey, PRUNED_PREFIX, ROOT_NAME, type KeyPart, type ParsedKey, type PruneResult } from '../../common/profile/stacks.js';

interface CachedKey {
  /** Node path ids: group name ids then frame name ids, root-first. */
  path: Int32Array;
  groupCount: number;
}

/**
 * The tree (or the subtree at `focus`) as FlameNodes: children narrower than
 * `minFraction` × the (sub)tree's value are merged into one "(pruned N frames)" child.
 * minFraction 0 keeps everything.
 */
export function baselinePruneTree(t: FlameTree, minFraction: number, focus: readonly string[] = []): PruneResult {
  const rootIdx = focus.length > 0 ? t.find(focus) : 0;
  if (rootIdx < 0) return { tree: { n: focus[focus.length - 1] ?? ROOT_NAME, v: 0 }, total: 0, nodes: 1, prunedNodes: 0 };
  const n = t.size;
  // Subtree sizes: children come after parents, so one reverse pass adds each to its parent.
  const sub = new Int32Array(n).fill(1);
  for (let i = n - 1; i > 0; i--) sub[t.parent[i]] += sub[i];
  const { start, list } = t.children();
  const rootValue = t.value[rootIdx];
  const threshold = minFraction > 0 ? minFraction * rootValue : 0;
  let nodes = 0;
  let prunedNodes = 0;
  const build = (i: number): FlameNode => {
    nodes++;
    const node: FlameNode = { n: t.nodeName(i), v: t.value[i] };
    const s = start[i];
    const e = start[i + 1];
    if (e > s) {
      const kids: FlameNode[] = [];
      let prunedV = 0;
      let prunedN = 0;
      for (let k = s; k < e; k++) {
        const c = list[k];
        if (t.value[c] >= threshold && t.value[c] > 0) kids.push(build(c));
        else {
          prunedV += t.value[c];
          prunedN += sub[c];
        }
      }
      if (prunedN > 0) {
        prunedNodes += prunedN;
        nodes++;
        kids.push({ n: `${PRUNED_PREFIX} ${prunedN} frame${prunedN === 1 ? '' : 's'})`, v: prunedV });
      }
      kids.sort((a, b) => b.v - a.v);
      node.c = kids;
    }
    return node;
  };
  // Iterative depth would be safer for 1000s of levels; bpftrace stacks are ≤ 127 frames deep
  // plus a few group levels, well within the JS stack.
  const tree = build(rootIdx);
  return { tree, total: rootValue, nodes, prunedNodes };
}

/**
 * Folds one stack map at a time. Keep one folder per map: it caches parsed keys across
 * prints of the same map, which is where a live re-fold spends its time otherwise.
 */
export class BaselineStackFolder {
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Raw frame text (with offset) → name id, so the offset regex runs once per distinct frame. */
  private readonly rawIds = new Map<string, number>();
  private readonly frameIdOf = (key: string, x: number, y: number): number => this.frameIdAt(key, x, y);
  private keyCache = new Map<string, CachedKey>();
  /** Group parts per key the map really has (fewest seen), for comm strings with commas. */
  private groupParts = Infinity;
  lastParsed: ParsedKey | null = null;

  /**
   * `emptyStacks`: draw a sample whose stacks are all empty as one named frame
   * (emptyStackName; the key's parts as the script declares them, or null when unknown)
   * instead of leaving it as blank width under its parent.
   */
  constructor(private readonly opts: { emptyStacks?: { keyParts: readonly KeyPart[] | null } } = {}) {}

  private intern(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  private frameIdAt(key: string, x: number, y: number): number {
    // V8 hashes and compares the (sliced) frame text in C++: faster than doing it in JS.
    const text = key.slice(x, y);
    let id = this.rawIds.get(text);
    if (id === undefined) {
      id = this.intern(frameName(text));
      this.rawIds.set(text, id);
    }
    return id;
  }

  private parse(key: string): CachedKey {
    const parsed = parseStackKey(key, this.frameIdOf);
    this.lastParsed = parsed;
    if (parsed.groups.length < this.groupParts) {
      // A key with fewer parts: comm strings seen before may have been split wrongly.
      if (this.groupParts !== Infinity) this.keyCache = new Map();
      this.groupParts = parsed.groups.length;
    }
    const groups = normalizeGroups(parsed.groups, this.groupParts);
    const stackIds = parsed.stackIds!;
    let len = groups.length;
    for (const s of stackIds) len += s.length;
    // A key of stacks only, all empty, prints as "" (bpftrace 0.17: @[kstack] sampled in user space).
    const empty = this.opts.emptyStacks && (stackIds.length > 0 || key === '') && len === groups.length ? this.intern(emptyStackName(this.opts.emptyStacks.keyParts, groups)) : -1;
    const path = new Int32Array(empty >= 0 ? len + 1 : len);
    let k = 0;
    for (const g of groups) path[k++] = this.intern(g);
    if (empty >= 0) path[k++] = empty;
    // Several stacks in one key (kstack, ustack): user frames root-first above kernel's.
    for (let si = stackIds.length - 1; si >= 0; si--) {
      const ids = stackIds[si];
      for (let f = ids.length - 1; f >= 0; f--) path[k++] = ids[f];
    }
    return { path, groupCount: groups.length };
  }

  /** Fold a map's entries (key → count) into a new tree. Entries whose value is not a number are skipped. */
  fold(entries: readonly { key: string | null; value: unknown }[]): FlameTree {
    const t = new FlameTree(this.names, Math.max(1024, entries.length * 4));
    const seen = new Map<string, CachedKey>();
    const paths: Int32Array[] = [];
    const values: number[] = [];
    for (const e of entries) {
      if (e.key === null) continue;
      const v = typeof e.value === 'number' ? e.value : Number(e.value);
      if (!Number.isFinite(v) || v <= 0) continue;
      let ck = this.keyCache.get(e.key);
      if (!ck) {
        ck = this.parse(e.key);
        this.keyCache.set(e.key, ck);
      }
      seen.set(e.key, ck);
      paths.push(ck.path);
      values.push(v);
    }
    // Sort the paths (name ids, root first): stacks that share a prefix become neighbours,
    // so each path reuses the nodes of the previous one up to their common prefix and
    // creates the rest. No (parent, name) → child lookup at all: a hash table of ~2M
    // nodes missed the cache on nearly every frame.
    const order = new Int32Array(paths.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => {
      const pa = paths[a];
      const pb = paths[b];
      const n = Math.min(pa.length, pb.length);
      for (let i = 0; i < n; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
      return pa.length - pb.length;
    });
    let stack = new Int32Array(256); // node at each depth of the previous path
    let prev: Int32Array | null = null;
    for (let k = 0; k < order.length; k++) {
      const path = paths[order[k]];
      const v = values[order[k]];
      t.value[0] += v;
      let common = 0;
      if (prev) {
        const n = Math.min(prev.length, path.length);
        while (common < n && prev[common] === path[common]) common++;
      }
      if (path.length > stack.length) {
        const bigger = new Int32Array(path.length * 2);
        bigger.set(stack);
        stack = bigger;
      }
      let node = common === 0 ? 0 : stack[common - 1];
      for (let i = 0; i < path.length; i++) {
        if (i >= common) {
          node = t.add(node, path[i]);
          stack[i] = node;
        } else node = stack[i];
        t.value[node] += v;
      }
      prev = path;
    }
    // Keep the cache to this print's keys (bounded by the map's size).
    if (seen.size !== this.keyCache.size) this.keyCache = seen;
    return t;
  }
}

