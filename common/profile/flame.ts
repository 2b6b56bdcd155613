// Pure functions over the contract's flame graph shape, shared by the engine (folding,
// tests, exports) and the renderer (the top-functions table).
import type { FlameNode } from '../contract/events.js';

/** The name of the node that stands for frames merged by pruning. */
export const PRUNED_PREFIX = '(pruned';

export interface TopFunction {
  name: string;
  /** Samples where this function is the leaf. */
  self: number;
  /** Samples with this function anywhere on the stack (counted once per stack). */
  total: number;
  selfPercent: number;
  totalPercent: number;
}

/**
 * Functions by self time (samples where they are the leaf): the flat view beside a flame
 * graph. Group nodes (comm, pid) and "(pruned …)" nodes are not functions: pass how many
 * levels below the root are groups.
 */
export function topFunctions(tree: FlameNode, opts: { groupLevels?: number; limit?: number; /** also functions that are never a leaf (for ranking by total) */ withoutSelf?: boolean } = {}): TopFunction[] {
  const groupLevels = opts.groupLevels ?? 0;
  const all = tree.v;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const onPath = new Map<string, number>();
  const visit = (node: FlameNode, depth: number): void => {
    const isFunc = depth > groupLevels && !node.n.startsWith(PRUNED_PREFIX);
    const kids = node.c ?? [];
    if (isFunc) {
      let childSum = 0;
      for (const c of kids) childSum += c.v;
      const s = node.v - childSum;
      if (s > 0) self.set(node.n, (self.get(node.n) ?? 0) + s);
      const k = onPath.get(node.n) ?? 0;
      if (k === 0) total.set(node.n, (total.get(node.n) ?? 0) + node.v);
      onPath.set(node.n, k + 1);
    }
    for (const c of kids) visit(c, depth + 1);
    if (isFunc) onPath.set(node.n, onPath.get(node.n)! - 1);
  };
  visit(tree, 0);
  const out: TopFunction[] = [];
  for (const name of opts.withoutSelf ? total.keys() : self.keys()) {
    const s = self.get(name) ?? 0;
    const tot = total.get(name) ?? s;
    out.push({ name, self: s, total: tot, selfPercent: all > 0 ? (100 * s) / all : 0, totalPercent: all > 0 ? (100 * tot) / all : 0 });
  }
  out.sort((a, b) => b.self - a.self || a.name.localeCompare(b.name));
  return opts.limit ? out.slice(0, opts.limit) : out;
}
