// Stack maps → flame graph trees. Pure: no I/O.
//
// bpftrace prints a stack key as a multi-line string starting with "\n", one frame a line,
// leaf first ("\n    f+11\n    g+5\n"); other key parts are joined with commas
// (`@[kstack, comm]` → "\n  f+1\n  g+2\n,comm", `@[comm, kstack]` → "comm,\n  f+1\n  g+2\n").
// A StackFolder folds every key of a map into ONE tree rooted at "all": first by the
// non-stack key parts (comm, pid, ...), then by frames root-first, with "+offset" stripped.
//
// Performance: the tree lives in flat typed arrays; frame names are interned to ids once;
// a child is found through one Map keyed by (parent, frame id) as a number; parsed keys
// are cached across prints (a live map is printed again and again with the same keys),
// so a re-fold costs a Map lookup per key plus one add per frame.
import type { FlameNode } from '../contract/index.js';
import { emptyStackName } from './empty-stack.js';
import { RangeTable } from './frame-table.js';

export type KeyPart = 'kstack' | 'ustack' | 'string' | 'number';

/** Names starting with this are the synthetic "(pruned N frames)" nodes. */
import { PRUNED_PREFIX } from './flame.js';

export { PRUNED_PREFIX, topFunctions, type TopFunction } from './flame.js';
export const ROOT_NAME = 'all';

/** True when a printed map key holds a stack (kstack/ustack text). */
export function isStackKey(key: string | null | undefined): boolean {
  return typeof key === 'string' && key.length > 1 && (key.charCodeAt(0) === 10 || key.includes(',\n'));
}

/**
 * A map event's entries look like a stack map: any of the first keys holds a stack. (Not
 * just the first: a kstack sampled in user space prints as an empty key.)
 */
export function isStackMap(entries: readonly { key: string | null }[]): boolean {
  const n = Math.min(entries.length, 64);
  for (let i = 0; i < n; i++) if (isStackKey(entries[i].key)) return true;
  return false;
}

export interface ParsedKey {
  /** Non-stack parts in order (comm, pid, ...). */
  groups: string[];
  /** Each stack part's frames as printed, leaf first, trimmed (offsets still on). */
  stacks: string[][];
  /** The key's layout: which parts are stacks. */
  layout: ('stack' | 'other')[];
  /** With a `frameId` function: the frames as its ids instead of strings (`stacks` is then empty lists). */
  stackIds?: number[][];
}

/**
 * Where the stack that starts with the "\n" at `p` ends: at the "\n" followed by "," or the
 * key's end (the key's last character), or `p` itself for an empty stack (a lone "\n", e.g.
 * a kstack sampled in user space: "\n,chromium").
 */
function stackEnd(key: string, p: number): number {
  const n = key.length;
  if (p + 1 >= n || key.charCodeAt(p + 1) === 44) return p;
  let q = p + 1;
  for (;;) {
    const nl = key.indexOf('\n', q);
    if (nl < 0) return n;
    if (nl === n - 1 || key.charCodeAt(nl + 1) === 44) return nl;
    q = nl + 1;
  }
}

/**
 * Split a printed key into its parts. Stack parts run from a "\n" to a "\n" that ends the
 * key or is followed by ","; the other text is split on commas (a comm with a comma in it is
 * re-joined by `normalizeGroups` once the map's part count is known).
 */
export function parseStackKey(key: string, frameId?: (key: string, from: number, to: number) => number): ParsedKey {
  const groups: string[] = [];
  const stacks: string[][] = [];
  const layout: ('stack' | 'other')[] = [];
  const stackIds: number[][] | undefined = frameId ? [] : undefined;
  const n = key.length;
  let p = 0;
  while (p < n) {
    if (key.charCodeAt(p) === 10) {
      // A stack: find "\n" followed by "," or the end. An empty stack (a kstack sampled in
      // user space) prints as a lone "\n": "\n,chromium".
      const q = stackEnd(key, p);
      const frames: string[] = [];
      const ids: number[] = [];
      let a = p + 1;
      while (a < q) {
        let b = key.indexOf('\n', a);
        if (b < 0 || b > q) b = q;
        let x = a;
        while (x < b && key.charCodeAt(x) === 32) x++;
        let y = b;
        while (y > x && key.charCodeAt(y - 1) === 32) y--;
        if (y > x) {
          if (frameId) ids.push(frameId(key, x, y));
          else frames.push(key.slice(x, y));
        } else if (b > a) {
          // A line of spaces only: a blank frame (bpftrace never prints one; an imported
          // folded file can hold one, and flamegraph.pl draws it), kept as "".
          if (frameId) ids.push(frameId(key, x, x));
          else frames.push('');
        }
        a = b + 1;
      }
      stacks.push(frames);
      stackIds?.push(ids);
      layout.push('stack');
      p = q + 2; // past "\n,"
    } else {
      // Other parts up to the next ",\n" (a stack follows) or the end.
      const nextStack = key.indexOf(',\n', p);
      const end = nextStack < 0 ? n : nextStack;
      for (const part of key.slice(p, end).split(',')) {
        if (part === '') {
          // An empty part is an empty stack (a kstack sampled in user space can print as
          // ",comm"), not a group: no comm or number prints as nothing.
          stacks.push([]);
          stackIds?.push([]);
          layout.push('stack');
          continue;
        }
        groups.push(part);
        layout.push('other');
      }
      p = nextStack < 0 ? n : nextStack + 1;
    }
  }
  return stackIds ? { groups, stacks, layout, stackIds } : { groups, stacks, layout };
}

const NUMERIC = /^-?\d+$/;

/**
 * Re-join group parts split at commas that were inside a string (a comm such as "a,b"),
 * given how many parts the map's keys really have (the fewest seen). Numbers stay parts of
 * their own; extra pieces are joined to the string part before them.
 */
export function normalizeGroups(groups: string[], expected: number): string[] {
  if (groups.length <= expected || expected <= 0) return groups;
  const out = groups.slice();
  while (out.length > expected) {
    // Join the first non-numeric piece with the piece after it when that one is not a number
    // (or, failing that, with whatever follows).
    let i = out.findIndex((g, k) => k + 1 < out.length && !NUMERIC.test(g) && !NUMERIC.test(out[k + 1]));
    if (i < 0) i = out.findIndex((g, k) => k + 1 < out.length && !NUMERIC.test(g));
    if (i < 0) i = 0;
    out.splice(i, 2, `${out[i]},${out[i + 1]}`);
  }
  return out;
}

/** "pv_native_safe_halt+11" → "pv_native_safe_halt"; "[unknown]" stays. */
export function frameName(raw: string): string {
  const plus = raw.lastIndexOf('+');
  if (plus <= 0) return raw;
  const rest = raw.slice(plus + 1);
  // +123, +0x1f, and "+123 (/lib/x.so)" forms.
  const m = /^(0x[0-9a-fA-F]+|\d+)(\s.*)?$/.exec(rest);
  if (!m) return raw;
  return m[2] ? raw.slice(0, plus) + m[2] : raw.slice(0, plus);
}

/** The key layout as contract key parts (stacks default to kstack; `hint` from the script wins). */
export function keyPartsOf(parsed: ParsedKey | null, hint?: KeyPart[] | null): KeyPart[] {
  if (hint && hint.length > 0) return hint;
  if (!parsed) return ['kstack'];
  let g = 0;
  return parsed.layout.map((l) => (l === 'stack' ? 'kstack' : NUMERIC.test(parsed.groups[g++] ?? '') ? 'number' : 'string'));
}

export interface FoldResult {
  total: number;
  stacks: number;
}

/**
 * A fold of one map, kept so it can be cut at any resolution or focus without re-folding.
 * Nodes are in preorder (the fold adds them walking sorted paths): node i's subtree is the
 * range i .. i + subtreeSizes()[i] − 1, and its children are i + 1, then each next one
 * right after the previous one's subtree, in the order the fold made them.
 */
export class FlameTree {
  /** Node arrays (node 0 is the root "all"); a child's index is always above its parent's. */
  parent: Int32Array;
  name: Int32Array;
  value: Float64Array;
  size = 1;
  readonly names: string[];

  constructor(names: string[], capacity = 1024) {
    this.names = names;
    this.parent = new Int32Array(capacity);
    this.name = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.parent[0] = -1;
    this.name[0] = -1;
  }

  get total(): number {
    return this.value[0];
  }

  private sub: Int32Array | null = null;

  /**
   * @internal A tree of the same nodes as `shape` (its arrays shared: a folded tree is never
   * changed) with other values: a re-print of the same keys.
   */
  static sameShape(shape: FlameTree, value: Float64Array): FlameTree {
    const t = new FlameTree(shape.names, 1);
    t.parent = shape.parent;
    t.name = shape.name;
    t.value = value;
    t.size = shape.size;
    t.sub = shape.sub;
    return t;
  }

  /** Nodes in each node's subtree, itself included (computed once per tree size). */
  subtreeSizes(): Int32Array {
    const n = this.size;
    if (this.sub && this.sub.length === n) return this.sub;
    // Children come after parents, so one reverse pass adds each to its parent.
    const sub = new Int32Array(n).fill(1);
    const parent = this.parent;
    for (let i = n - 1; i > 0; i--) sub[parent[i]] += sub[i];
    this.sub = sub;
    return sub;
  }

  private grow(): void {
    const cap = this.parent.length * 2;
    const p = new Int32Array(cap);
    p.set(this.parent);
    const nm = new Int32Array(cap);
    nm.set(this.name);
    const v = new Float64Array(cap);
    v.set(this.value);
    this.parent = p;
    this.name = nm;
    this.value = v;
  }

  /** @internal */
  add(parent: number, nameId: number): number {
    if (this.size === this.parent.length) this.grow();
    const i = this.size++;
    this.parent[i] = parent;
    this.name[i] = nameId;
    this.value[i] = 0;
    return i;
  }

  nodeName(i: number): string {
    return i === 0 ? ROOT_NAME : this.names[this.name[i]];
  }

  /** Children lists (CSR: offsets into one array), built on demand. */
  children(): { start: Int32Array; list: Int32Array } {
    const n = this.size;
    const count = new Int32Array(n + 1);
    for (let i = 1; i < n; i++) count[this.parent[i] + 1]++;
    for (let i = 0; i < n; i++) count[i + 1] += count[i];
    const list = new Int32Array(Math.max(0, n - 1));
    const fill = count.slice(0, n);
    for (let i = 1; i < n; i++) list[fill[this.parent[i]]++] = i;
    return { start: count, list };
  }

  /** Node index of a path of names from the root ("all" first or not), or -1. */
  find(path: readonly string[]): number {
    const p = path.length > 0 && path[0] === ROOT_NAME ? path.slice(1) : path;
    if (p.length === 0) return 0;
    const sub = this.subtreeSizes();
    let node = 0;
    for (const want of p) {
      let found = -1;
      for (let c = node + 1, end = node + sub[node]; c < end; c += sub[c]) {
        if (this.nodeName(c) === want) {
          found = c;
          break;
        }
      }
      if (found < 0) return -1;
      node = found;
    }
    return node;
  }
}

export interface PruneResult {
  tree: FlameNode;
  total: number;
  /** Nodes in the returned tree. */
  nodes: number;
  /** Nodes of the full tree merged into "(pruned N frames)" nodes. */
  prunedNodes: number;
}

/**
 * The tree (or the subtree at `focus`) as FlameNodes: children narrower than
 * `minFraction` × the (sub)tree's value are merged into one "(pruned N frames)" child.
 * minFraction 0 keeps everything.
 */
export function pruneTree(t: FlameTree, minFraction: number, focus: readonly string[] = []): PruneResult {
  const rootIdx = focus.length > 0 ? t.find(focus) : 0;
  if (rootIdx < 0) return { tree: { n: focus[focus.length - 1] ?? ROOT_NAME, v: 0 }, total: 0, nodes: 1, prunedNodes: 0 };
  // Preorder (see FlameTree): children are walked by subtree sizes, no child lists to build
  // over the whole tree (they cost more than the cut itself on a 1.9 M-node tree).
  const sub = t.subtreeSizes();
  const rootValue = t.value[rootIdx];
  const threshold = minFraction > 0 ? minFraction * rootValue : 0;
  let nodes = 0;
  let prunedNodes = 0;
  const build = (i: number): FlameNode => {
    nodes++;
    const node: FlameNode = { n: t.nodeName(i), v: t.value[i] };
    const end = i + sub[i];
    if (end > i + 1) {
      const kids: FlameNode[] = [];
      let prunedV = 0;
      let prunedN = 0;
      for (let c = i + 1; c < end; c += sub[c]) {
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

/** Ints before a path in StackFolder's pool: its length and its leaf node. */
const HEADER = 2;

/**
 * Folds one stack map at a time. Keep one folder per map: it caches parsed keys across
 * prints of the same map, which is where a live re-fold spends its time otherwise.
 *
 * Performance (bench/flamegraph: 100 k keys, 2.5 M frames): frames are interned where they
 * are in the key (RangeTable, no string per frame); a key is scanned straight into a
 * scratch Int32Array (no per-key arrays), and its path (name ids, root first) is kept in one
 * shared Int32Array pool, `[length, ids…]` at the offset the key cache holds, so a fold
 * allocates nothing per key but its cache entry.
 */
export class StackFolder {
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Raw frame text (with offset) → name id, so the offset regex runs once per distinct frame. */
  private readonly rawIds = new RangeTable();
  /** Printed key → offset of its entry in `pool`. */
  private keyCache = new Map<string, number>();
  /** Entries `[length, leaf node in lastTree or -1, name ids root first…]`. */
  private pool = new Int32Array(1 << 16);
  private poolEnd = 0;
  /** One key's frame ids as printed (leaf first, stack parts one after another). */
  private scratch = new Int32Array(256);
  /** Where each stack part of the key being parsed starts in `scratch`. */
  private readonly stackStarts: number[] = [];
  /** Group parts per key the map really has (fewest seen), for comm strings with commas. */
  private groupParts = Infinity;
  /** The last key parsed (not taken from the cache), for keyPartsOf. */
  private lastKey: string | null = null;
  /** The tree of the last fold, whose nodes the pool's leaf fields point at. */
  private lastTree: FlameTree | null = null;

  /**
   * `emptyStacks`: draw a sample whose stacks are all empty as one named frame
   * (emptyStackName; the key's parts as the script declares them, or null when unknown)
   * instead of leaving it as blank width under its parent.
   */
  constructor(private readonly opts: { emptyStacks?: { keyParts: readonly KeyPart[] | null } } = {}) {}

  /** The last key this folder parsed, split (its layout tells the map's key parts). */
  get lastParsed(): ParsedKey | null {
    return this.lastKey === null ? null : parseStackKey(this.lastKey);
  }

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
    // Looked up in place (no slice per frame): see frame-table.ts.
    let id = this.rawIds.get(key, x, y);
    if (id < 0) {
      id = this.intern(frameName(key.slice(x, y)));
      this.rawIds.addLast(key, x, y, id);
    }
    return id;
  }

  private pushFrame(n: number, id: number): number {
    if (n === this.scratch.length) {
      const s = new Int32Array(n * 2);
      s.set(this.scratch);
      this.scratch = s;
    }
    this.scratch[n] = id;
    return n + 1;
  }

  /**
   * Parse a key into the pool; returns its offset. The same reading as parseStackKey (which
   * stays the reference for the key's layout), with frame ids written to `scratch`.
   */
  private parse(key: string): number {
    this.lastKey = key;
    const starts = this.stackStarts;
    starts.length = 0;
    let groups: string[] | null = null;
    let nIds = 0;
    const n = key.length;
    let p = 0;
    while (p < n) {
      if (key.charCodeAt(p) === 10) {
        // A stack: from "\n" to a "\n" followed by "," or the end; a lone "\n" is empty.
        const q = stackEnd(key, p);
        starts.push(nIds);
        let a = p + 1;
        while (a < q) {
          let b = key.indexOf('\n', a);
          if (b < 0 || b > q) b = q;
          let x = a;
          while (x < b && key.charCodeAt(x) === 32) x++;
          let y = b;
          while (y > x && key.charCodeAt(y - 1) === 32) y--;
          // A line of spaces only is a blank frame "" (an imported folded file can hold one).
          if (y > x || b > a) nIds = this.pushFrame(nIds, this.frameIdAt(key, x, y));
          a = b + 1;
        }
        p = q + 2; // past "\n,"
      } else {
        const nextStack = key.indexOf(',\n', p);
        const end = nextStack < 0 ? n : nextStack;
        for (const part of key.slice(p, end).split(',')) {
          // An empty part is an empty stack (",comm"), not a group.
          if (part === '') starts.push(nIds);
          else (groups ??= []).push(part);
        }
        p = nextStack < 0 ? n : nextStack + 1;
      }
    }
    const raw = groups ?? [];
    if (raw.length < this.groupParts) {
      // A key with fewer parts: comm strings seen before may have been split wrongly.
      if (this.groupParts !== Infinity) this.keyCache = new Map();
      this.groupParts = raw.length;
    }
    const g = normalizeGroups(raw, this.groupParts);
    // A key of stacks only, all empty, prints as "" (bpftrace 0.17: @[kstack] sampled in user space).
    const empty = this.opts.emptyStacks && (starts.length > 0 || key === '') && nIds === 0 ? this.intern(emptyStackName(this.opts.emptyStacks.keyParts, g)) : -1;
    const len = g.length + (empty >= 0 ? 1 : 0) + nIds;
    if (this.poolEnd + len + HEADER > this.pool.length) {
      const bigger = new Int32Array(Math.max(this.pool.length * 2, this.poolEnd + len + HEADER));
      bigger.set(this.pool.subarray(0, this.poolEnd));
      this.pool = bigger;
    }
    const pool = this.pool;
    const off = this.poolEnd;
    let k = off;
    pool[k++] = len;
    pool[k++] = -1;
    for (const name of g) pool[k++] = this.intern(name);
    if (empty >= 0) pool[k++] = empty;
    // Several stacks in one key (kstack, ustack): user frames root-first above kernel's.
    const ids = this.scratch;
    for (let si = starts.length - 1; si >= 0; si--) {
      const to = si + 1 < starts.length ? starts[si + 1] : nIds;
      for (let f = to - 1; f >= starts[si]; f--) pool[k++] = ids[f];
    }
    this.poolEnd = k;
    return off;
  }

  /** Fold a map's entries (key → count) into a new tree. Entries whose value is not a number are skipped. */
  fold(entries: readonly { key: string | null; value: unknown }[]): FlameTree {
    const seen = new Map<string, number>();
    const offs = new Int32Array(entries.length);
    const values = new Float64Array(entries.length);
    let m = 0;
    let nodesBound = 1;
    let misses = 0;
    let total = 0;
    let integers = true;
    for (const e of entries) {
      if (e.key === null) continue;
      const v = typeof e.value === 'number' ? e.value : Number(e.value);
      if (!Number.isFinite(v) || v <= 0) continue;
      let off = this.keyCache.get(e.key);
      if (off === undefined) {
        off = this.parse(e.key);
        this.keyCache.set(e.key, off);
        misses++;
      }
      seen.set(e.key, off);
      offs[m] = off;
      values[m] = v;
      nodesBound += this.pool[off];
      total += v;
      if (!Number.isInteger(v)) integers = false;
      m++;
    }
    const last = this.lastTree;
    // The same keys as the last print (every key cached, as many as the cache holds, and the
    // cache holds exactly the last print's keys): the same paths, so the same nodes; only
    // the counts change. Each key's count goes on its leaf and one reverse pass adds every
    // node to its parent — no sort, no walk of the paths. Only when every partial sum is an
    // exact integer, so the order of the additions cannot change a count.
    if (last && misses === 0 && seen.size === this.keyCache.size && integers && total <= Number.MAX_SAFE_INTEGER) {
      const pool = this.pool;
      const value = new Float64Array(last.parent.length);
      for (let k = 0; k < m; k++) value[pool[offs[k] + 1]] += values[k];
      const parent = last.parent;
      for (let i = last.size - 1; i > 0; i--) value[parent[i]] += value[i];
      const t = FlameTree.sameShape(last, value);
      this.lastTree = t;
      return t;
    }
    const pool = this.pool;
    // Sized once for the most nodes these paths can make (no doubling and copying on the way):
    // 16 bytes a printed frame, against the ≥ 40 the print's own key text takes per frame.
    const t = new FlameTree(this.names, Math.max(1024, nodesBound));
    // Sort the paths (name ids, root first): stacks that share a prefix become neighbours,
    // so each path reuses the nodes of the previous one up to their common prefix and
    // creates the rest. No (parent, name) → child lookup at all: a hash table of ~2M
    // nodes missed the cache on nearly every frame.
    const order = new Int32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
    order.sort((a, b) => {
      const pa = offs[a];
      const pb = offs[b];
      const la = pool[pa];
      const lb = pool[pb];
      const n = la < lb ? la : lb;
      for (let i = HEADER; i < n + HEADER; i++) if (pool[pa + i] !== pool[pb + i]) return pool[pa + i] - pool[pb + i];
      return la - lb;
    });
    let stack = new Int32Array(256); // node at each depth of the previous path
    let prev = -1;
    let prevLen = 0;
    for (let k = 0; k < m; k++) {
      const off = offs[order[k]];
      const at = off + HEADER;
      const len = pool[off];
      const v = values[order[k]];
      t.value[0] += v;
      let common = 0;
      if (prev >= 0) {
        const n = Math.min(prevLen, len);
        while (common < n && pool[prev + common] === pool[at + common]) common++;
      }
      if (len > stack.length) {
        const bigger = new Int32Array(len * 2);
        bigger.set(stack);
        stack = bigger;
      }
      let node = common === 0 ? 0 : stack[common - 1];
      for (let i = 0; i < len; i++) {
        if (i >= common) {
          node = t.add(node, pool[at + i]);
          stack[i] = node;
        } else node = stack[i];
        t.value[node] += v;
      }
      pool[off + 1] = node; // the key's leaf (the root for an empty path), for a re-print
      prev = at;
      prevLen = len;
    }
    // Keep the cache to this print's keys (bounded by the map's size), and the pool to
    // their paths once dropped keys fill more than half of it.
    if (seen.size !== this.keyCache.size) this.keyCache = seen;
    this.lastTree = t;
    this.compact();
    return t;
  }

  private compact(): void {
    let live = 0;
    for (const off of this.keyCache.values()) live += this.pool[off] + HEADER;
    if (this.poolEnd <= 2 * live + (1 << 16)) return;
    const old = this.pool;
    const pool = new Int32Array(Math.max(1 << 16, live * 2));
    let end = 0;
    for (const [key, off] of this.keyCache) {
      const len = old[off] + HEADER;
      pool.set(old.subarray(off, off + len), end);
      this.keyCache.set(key, end);
      end += len;
    }
    this.pool = pool;
    this.poolEnd = end;
  }
}

/** Fold stacks written as text (tests, importers): each stack one frame a line, leaf first, `count` samples. */
export function foldText(stacks: { frames: string; count: number; groups?: string[] }[]): FlameTree {
  const entries = stacks.map((s) => {
    const body = '\n' + s.frames.trim().split('\n').map((f) => `    ${f.trim()}\n`).join('');
    const g = s.groups ?? [];
    return { key: [body, ...g].join(','), value: s.count };
  });
  return new StackFolder().fold(entries);
}



/** Count the nodes of a FlameNode tree. */
export function countNodes(t: FlameNode): number {
  let n = 1;
  for (const c of t.c ?? []) n += countNodes(c);
  return n;
}
