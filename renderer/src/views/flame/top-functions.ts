// Self time per function of a (pruned) flame tree, for the table beside the graph: the
// contract's topFunctions (the engine uses the same function).
import { topFunctions, type FlameNode } from '../../../../common/contract/index.js';

export interface TopRow {
  name: string;
  self: number;
  total: number;
}

/**
 * Functions by self samples (or by total: time with the function on the stack, what an
 * off-CPU profile needs); `groupLevels` levels under the root are comm/pid groups, not functions.
 */
export function selfTime(tree: FlameNode, groupLevels: number, limit = 50, by: 'self' | 'total' = 'self'): TopRow[] {
  const all = topFunctions(tree, { groupLevels, ...(by === 'self' ? { limit } : { withoutSelf: true }) }).map(({ name, self, total }) => ({ name, self, total }));
  if (by === 'self') return all;
  return all.sort((a, b) => b.total - a.total || b.self - a.self || a.name.localeCompare(b.name)).slice(0, limit);
}
