// Self time per function of a (pruned) flame tree, for the table beside the graph. Pure.
import type { FlameNode } from '../../../../electron/api/index.js';

export interface TopRow {
  name: string;
  self: number;
  total: number;
}

/** Functions by self samples; `groupLevels` levels under the root are comm/pid groups, not functions. */
export function selfTime(tree: FlameNode, groupLevels: number, limit = 50): TopRow[] {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const onPath = new Map<string, number>();
  const visit = (n: FlameNode, depth: number) => {
    const fn = depth > groupLevels && !n.n.startsWith('(pruned');
    let kids = 0;
    for (const c of n.c ?? []) kids += c.v;
    if (fn) {
      if (n.v - kids > 0) self.set(n.n, (self.get(n.n) ?? 0) + n.v - kids);
      const k = onPath.get(n.n) ?? 0;
      if (k === 0) total.set(n.n, (total.get(n.n) ?? 0) + n.v);
      onPath.set(n.n, k + 1);
    }
    for (const c of n.c ?? []) visit(c, depth + 1);
    if (fn) onPath.set(n.n, onPath.get(n.n)! - 1);
  };
  visit(tree, 0);
  return [...self]
    .map(([name, s]) => ({ name, self: s, total: total.get(name) ?? s }))
    .sort((a, b) => b.self - a.self || a.name.localeCompare(b.name))
    .slice(0, limit);
}
