// Shared by the importers' tests: fixtures, and a folded view of a flame tree (path → self
// samples) so two imports can be compared stack by stack.
import fs from 'node:fs';
import path from 'node:path';
import type { MapEvent, TraceEvent } from '../../common/contract/index.js';
import { FlameTree, StackFolder } from '../../common/profile/stacks.js';

export const IMPORT_FIXTURES = path.resolve(__dirname, '../fixtures/imports');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(IMPORT_FIXTURES, name), 'utf8');
}

/** Every root-to-node path of a tree with the node's self samples (value minus its children's). */
export function treeToFolded(t: FlameTree): Map<string, number> {
  const { start, list } = t.children();
  const out = new Map<string, number>();
  const walk = (i: number, prefix: string) => {
    let self = t.value[i];
    for (let k = start[i]; k < start[i + 1]; k++) {
      const c = list[k];
      self -= t.value[c];
      walk(c, prefix ? `${prefix};${t.nodeName(c)}` : t.nodeName(c));
    }
    if (i !== 0 && self > 0) out.set(prefix, (out.get(prefix) ?? 0) + self);
  };
  walk(0, '');
  return out;
}

export function mapEvents(events: readonly TraceEvent[]): MapEvent[] {
  return events.filter((e): e is MapEvent => e.type === 'map');
}

/** Fold one map event the way the engine does. */
export function foldEvent(e: MapEvent): FlameTree {
  return new StackFolder().fold(e.entries);
}
