// Self time per function of a (pruned) flame tree, for the table beside the graph: the
// contract's topFunctions (the engine uses the same function).
import { topFunctions, type FlameNode } from '../../../../electron/api/index.js';

export interface TopRow {
  name: string;
  self: number;
  total: number;
}

/** Functions by self samples; `groupLevels` levels under the root are comm/pid groups, not functions. */
export function selfTime(tree: FlameNode, groupLevels: number, limit = 50): TopRow[] {
  return topFunctions(tree, { groupLevels, limit }).map(({ name, self, total }) => ({ name, self, total }));
}
