// A straightforward fold of a stack map, written for clarity only, to check the fast one
// (common/profile/stacks.ts: in-place frame interning, sorted paths, flat arrays) against.
// Strings and nested Maps, a regex for the key's stack parts, no caches. Shares with the
// fast fold only what both must agree on by definition: frameName (offset stripping),
// normalizeGroups (commas inside a comm) and emptyStackName (what an empty stack is called).
import type { FlameNode } from '../../common/contract/index.js';
import { emptyStackName } from '../../common/profile/empty-stack.js';
import { frameName, normalizeGroups, PRUNED_PREFIX, type KeyPart } from '../../common/profile/stacks.js';

interface RefNode {
  v: number;
  kids: Map<string, RefNode>;
}

/** A stack part: "\n", then lines, up to a "\n" that ends the key or is followed by ",". */
const STACK = /\n((?:[^\n]*\n)*?)(?=,|$)/y;

/** Split a printed key into groups and stacks (frames leaf first, as printed). */
export function referenceParse(key: string): { groups: string[]; stacks: string[][] } {
  const groups: string[] = [];
  const stacks: string[][] = [];
  let p = 0;
  while (p < key.length) {
    if (key[p] === '\n') {
      STACK.lastIndex = p;
      const m = STACK.exec(key);
      if (!m) throw new Error(`reference: no stack at ${p} in ${JSON.stringify(key)}`);
      // Lines as printed; an empty line is no frame, a line of spaces is a blank frame "".
      const lines = m[1] === '' ? [] : m[1].slice(0, -1).split('\n');
      stacks.push(lines.filter((l) => l.length > 0).map((l) => l.replace(/^ +/, '').replace(/ +$/, '')));
      p = STACK.lastIndex + 1; // past the ","
    } else {
      const next = key.indexOf(',\n', p);
      const end = next < 0 ? key.length : next;
      for (const part of key.slice(p, end).split(',')) {
        if (part === '') stacks.push([]);
        else groups.push(part);
      }
      p = next < 0 ? key.length : next + 1;
    }
  }
  return { groups, stacks };
}

/** Fold entries as the fast StackFolder does, into a FlameNode tree with every node. */
export function referenceFold(
  entries: readonly { key: string | null; value: unknown }[],
  opts: { emptyStacks?: { keyParts: readonly KeyPart[] | null } } = {},
): FlameNode {
  const root: RefNode = { v: 0, kids: new Map() };
  let groupParts = Infinity;
  for (const e of entries) {
    if (e.key === null) continue;
    const v = typeof e.value === 'number' ? e.value : Number(e.value);
    if (!Number.isFinite(v) || v <= 0) continue;
    const { groups: raw, stacks } = referenceParse(e.key);
    // The fewest group parts seen so far is the map's real part count (see normalizeGroups).
    groupParts = Math.min(groupParts, raw.length);
    const groups = normalizeGroups(raw, groupParts);
    const path: string[] = [...groups];
    const frames = stacks.reduce((n, s) => n + s.length, 0);
    if (opts.emptyStacks && (stacks.length > 0 || e.key === '') && frames === 0) path.push(emptyStackName(opts.emptyStacks.keyParts, groups));
    // Root first: the last stack part (user) above the first (kernel), each reversed.
    for (let s = stacks.length - 1; s >= 0; s--) for (let f = stacks[s].length - 1; f >= 0; f--) path.push(frameName(stacks[s][f]));
    root.v += v;
    let node = root;
    for (const name of path) {
      let k = node.kids.get(name);
      if (!k) node.kids.set(name, (k = { v: 0, kids: new Map() }));
      k.v += v;
      node = k;
    }
  }
  const out = (name: string, n: RefNode): FlameNode => (n.kids.size > 0 ? { n: name, v: n.v, c: [...n.kids].map(([k, c]) => out(k, c)) } : { n: name, v: n.v });
  return out('all', root);
}

/** A FlameNode tree with children sorted by name then value: trees equal as sets compare equal. */
export function canonical(t: FlameNode): FlameNode {
  if (!t.c) return { n: t.n, v: t.v };
  const c = t.c.map(canonical).sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : a.v - b.v));
  return { n: t.n, v: t.v, c };
}

/** Nodes in a FlameNode tree. */
function size(t: FlameNode): number {
  return 1 + (t.c ?? []).reduce((a, c) => a + size(c), 0);
}

/**
 * The reference cut of a full tree (as pruneTree cuts one): under each kept node, children
 * narrower than minFraction × the root's value merge into one "(pruned N frames)" child.
 */
export function referencePrune(full: FlameNode, minFraction: number, focus: readonly string[] = []): FlameNode {
  let root: FlameNode | undefined = full;
  for (const name of focus[0] === 'all' ? focus.slice(1) : focus) root = root?.c?.find((c) => c.n === name);
  if (!root) return { n: focus[focus.length - 1] ?? 'all', v: 0 };
  const threshold = minFraction > 0 ? minFraction * root.v : 0;
  const cut = (t: FlameNode): FlameNode => {
    if (!t.c) return { n: t.n, v: t.v };
    const kept = t.c.filter((c) => c.v >= threshold && c.v > 0);
    const gone = t.c.filter((c) => !(c.v >= threshold && c.v > 0));
    const c = kept.map(cut);
    if (gone.length > 0) {
      const n = gone.reduce((a, g) => a + size(g), 0);
      c.push({ n: `${PRUNED_PREFIX} ${n} frame${n === 1 ? '' : 's'})`, v: gone.reduce((a, g) => a + g.v, 0) });
    }
    return { n: t.n, v: t.v, c };
  };
  return cut(root);
}
