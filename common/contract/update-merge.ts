// Two session updates of one run folded into one, for a peer that draws slower than the
// engine sends (the serve side holds what arrived since the page's last frame and sends
// it as one message). Exact by construction: every printf line is either carried or
// counted in printfSkipped at its place (skipped lines are in the recording, and the log
// pages them in when scrolled to), every map print is kept in order (the page's history of
// counting maps records each one), errors and warnings are all kept, the status and flame
// graphs are the newest (each is a whole snapshot). Pure: no Node, no DOM.
import type { SessionUpdate } from './contract.js';

export interface MergeLimits {
  /** Newest printf lines carried; older ones become skipped (the engine sends ≤ 1,000 per update). */
  maxPrintf: number;
  /** Newest print(x) values carried (the page keeps the newest 200). */
  maxValues: number;
  /** Prints of one map carried (the newest); a page that stalls that long gets fewer history points, never a stale value. */
  maxPrintsPerMap: number;
}

export const DEFAULT_MERGE_LIMITS: MergeLimits = { maxPrintf: 1000, maxValues: 200, maxPrintsPerMap: 64 };

/**
 * `older` then `newer` (same session, newer.seq > older.seq) as one update. Line numbers
 * the page computes stay right: lines are numbered from printfSkipped onwards, so when
 * `newer` skipped lines, the lines `older` carried (which come before that gap) are
 * counted as skipped too instead of being carried next to `newer`'s.
 */
export function mergeUpdates(older: SessionUpdate, newer: SessionUpdate, limits: MergeLimits = DEFAULT_MERGE_LIMITS): SessionUpdate {
  if (older.sessionId !== newer.sessionId) throw new Error('mergeUpdates: updates of two sessions');
  let skipped: number;
  let printf: SessionUpdate['printf'];
  if (newer.printfSkipped > 0) {
    skipped = older.printfSkipped + older.printf.length + newer.printfSkipped;
    printf = newer.printf;
  } else {
    skipped = older.printfSkipped;
    printf = newer.printf.length === 0 ? older.printf : older.printf.length === 0 ? newer.printf : older.printf.concat(newer.printf);
  }
  if (printf.length > limits.maxPrintf) {
    const drop = printf.length - limits.maxPrintf;
    skipped += drop;
    printf = printf.slice(drop);
  }
  const values = older.values.length === 0 ? newer.values : older.values.concat(newer.values).slice(-limits.maxValues);
  return {
    sessionId: newer.sessionId,
    seq: newer.seq,
    status: newer.status,
    flames: mergeFlames(older.flames, newer.flames),
    printf,
    printfSkipped: skipped,
    maps: mergeMaps(older.maps, newer.maps, limits.maxPrintsPerMap),
    values,
    errors: older.errors.length === 0 ? newer.errors : older.errors.concat(newer.errors),
    warnings: older.warnings.length === 0 ? newer.warnings : older.warnings.concat(newer.warnings),
  };
}

/** Flame snapshots are whole trees: the newest of each name, in order of first appearance. */
function mergeFlames(a: SessionUpdate['flames'], b: SessionUpdate['flames']): SessionUpdate['flames'] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const byName = new Map(a.map((f) => [f.name, f]));
  for (const f of b) byName.set(f.name, f);
  return [...byName.values()];
}

/** Every print of every map, in order; beyond `max` prints of one name, its oldest go. */
function mergeMaps(a: SessionUpdate['maps'], b: SessionUpdate['maps'], max: number): SessionUpdate['maps'] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const all = a.concat(b);
  const count = new Map<string, number>();
  for (const m of all) count.set(m.name, (count.get(m.name) ?? 0) + 1);
  if ([...count.values()].every((c) => c <= max)) return all;
  const out: SessionUpdate['maps'] = [];
  for (const m of all) {
    const c = count.get(m.name)!;
    if (c > max) count.set(m.name, c - 1);
    else out.push(m);
  }
  return out;
}
