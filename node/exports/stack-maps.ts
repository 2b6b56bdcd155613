// Stack maps of a scanned recording → folded trees, with the same folding as kscope's flame
// graphs (engine/stacks.ts StackFolder: offsets stripped by frameName, the key's other parts
// — comm, pid — as root frames, identical stacks merged), so every export's totals agree with
// the UI. Pure.
import type { AggregateEvent, MapEvent } from '../../common/contract/index.js';
import { isStackMap, normalizeGroups, parseStackKey, StackFolder, type FlameTree } from '../../common/profile/stacks.js';
import { EMPTY_STACK, foldedFrame, nameOf } from '../../common/export/folded-frame.js';

export { EMPTY_STACK, foldedFrame } from '../../common/export/folded-frame.js';
import { mapsDeclaredNotStacks } from './declared-stacks.js';
import { ExportError } from '../../common/export/errors.js';
import { addCounts, countText, readCount, type Count } from '../../common/import/exact-counts.js';
import { eachEntry, firstEntries, type RecordingScan } from '../recordings/recording-stream.js';

export interface StackProfile {
  /** The map's name (e.g. "@stacks"). */
  name: string;
  tree: FlameTree;
  /** Samples (sum of the map's positive numeric values). */
  total: number;
  /** Distinct keys folded. */
  keys: number;
  /** Time of the print used (ms since start). */
  t: number;
}

export const isStackMapEvent = (e: AggregateEvent): e is MapEvent => e.type === 'map' && isStackMap(firstEntries(e, 64));

/** The recording's stack maps (their last prints), in order of first appearance. */
export function stackMapsOf(scan: Pick<RecordingScan, 'last'> & { header?: { script?: string } }): MapEvent[] {
  // The script's keys decide first (a stack-shaped string key is not a stack); then the keys' shape.
  const notStacks = mapsDeclaredNotStacks(scan.header?.script);
  return [...scan.last.values()].filter((e): e is MapEvent => !notStacks.has(e.name) && isStackMapEvent(e));
}

export function noStacksMessage(format: string): string {
  return `this recording has no stack maps (maps keyed by kstack/ustack); ${format} needs stacks — try csv or json`;
}

/** The stack maps an export uses: `map` alone, or every stack map. Refuses clearly. */
export function selectStackMaps(scan: Pick<RecordingScan, 'last'> & { header?: { script?: string } }, format: string, map?: string): MapEvent[] {
  const all = stackMapsOf(scan);
  if (map !== undefined) {
    const ev = scan.last.get(map) ?? scan.last.get(`@${map}`);
    if (!ev) throw new ExportError(`no map ${map} in this recording${mapList(scan)}`);
    const stack = all.find((e) => e === ev);
    if (!stack) {
      throw new ExportError(
        `${ev.name} is not a stack map (its keys hold no kstack/ustack); ${format} needs stacks` +
          (all.length > 0 ? ` — stack maps here: ${all.map((e) => e.name).join(', ')}` : ' — try csv or json'),
      );
    }
    return [stack];
  }
  if (all.length === 0) throw new ExportError(noStacksMessage(format));
  return all;
}

function mapList(scan: Pick<RecordingScan, 'last'>): string {
  const names = [...scan.last.keys()];
  return names.length > 0 ? ` (maps: ${names.join(', ')})` : ' (it has no maps)';
}

export function foldStackMap(ev: MapEvent): StackProfile {
  const tree = new StackFolder().fold(ev.entries);
  let keys = 0;
  for (const e of ev.entries) if (e.key !== null) keys++;
  return { name: ev.name, tree, total: tree.total, keys, t: ev.t };
}

/**
 * Depth-first over a tree: `enter(depth, nameId)` for every node below the root (depth 1 =
 * the root's children; nameId indexes tree.names), then `self(depth, samples)` when the node
 * has samples of its own (its value minus its children's): one folded stack ends there.
 * Children are visited in the tree's order. Iterative: no recursion limit.
 */
export function walkTree(tree: FlameTree, enter: (depth: number, nameId: number) => void, self: (depth: number, samples: number) => void): void {
  const { start, list } = tree.children();
  const nodeStack: number[] = [0];
  const depthStack: number[] = [0];
  while (nodeStack.length > 0) {
    const node = nodeStack.pop()!;
    const depth = depthStack.pop()!;
    if (node !== 0) enter(depth, tree.name[node]);
    let childSum = 0;
    for (let k = start[node]; k < start[node + 1]; k++) childSum += tree.value[list[k]];
    const own = tree.value[node] - childSum;
    if (node !== 0 && own > 0) self(depth, own);
    for (let k = start[node + 1] - 1; k >= start[node]; k--) {
      nodeStack.push(list[k]);
      depthStack.push(depth + 1);
    }
  }
}

/** Every stack with its own samples: names root-first (reused between calls: copy to keep). */
export function walkStacks(tree: FlameTree, visit: (names: readonly string[], depth: number, self: number) => void): void {
  const names: string[] = [];
  walkTree(
    tree,
    (d, id) => (names[d - 1] = tree.names[id]),
    (d, v) => {
      names.length = d;
      visit(names, d, v);
    },
  );
}

/** A stack map's folded stacks, and its total. */
export interface FoldedProfile {
  name: string;
  /** Stack → samples (a float when beyond 2^53: `exact` then holds the exact count). */
  stacks: Map<string, number>;
  total: number;
  /** Stacks whose exact count is beyond 2^53 (recordings keep those as decimal strings). */
  exact?: Map<string, bigint>;
  /** The exact total when it is beyond 2^53. */
  exactTotal?: bigint;
}

export function foldedProfileOf(ev: MapEvent, prefix?: string): FoldedProfile {
  const counts = foldedCountsOfMap(ev, prefix);
  let allNumbers = true;
  counts.forEach((c) => {
    if (typeof c !== 'number') allNumbers = false;
  });
  // Every count a number (the usual case): the map is already what `stacks` holds.
  const stacks = allNumbers ? (counts as Map<string, number>) : new Map<string, number>();
  let exact: Map<string, bigint> | undefined;
  let total: Count = 0;
  for (const [k, c] of counts) {
    if (!allNumbers) stacks.set(k, Number(c));
    if (typeof c === 'bigint') (exact ??= new Map()).set(k, c);
    // Positive sums: addCounts fails only on a fraction beside a bigint; the float is then the best there is.
    total = addCounts(total, c) ?? Number(total) + Number(c);
  }
  const p: FoldedProfile = { name: ev.name, stacks, total: Number(total) };
  if (exact) p.exact = exact;
  if (typeof total === 'bigint') p.exactTotal = total;
  return p;
}

/** A stack's count as text, exact when it is beyond 2^53. */
export function stackCountText(p: FoldedProfile, stack: string, v: number): string {
  const e = p.exact?.get(stack);
  return e !== undefined ? e.toString() : countText(v);
}

/** A profile's total as text, exact when it is beyond 2^53. */
export function totalText(p: FoldedProfile): string {
  return p.exactTotal !== undefined ? p.exactTotal.toString() : countText(p.total);
}

/**
 * A stack map's last print as folded stacks ("root;...;leaf" → samples), identical stacks
 * merged, with exactly the naming of StackFolder (the UI's flame graphs): the key's other parts
 * first (comm strings split at commas re-joined by the map's part count), then each stack
 * part's frames root-first (a user stack above a kernel one), offsets stripped. Frame names
 * have ';' and line breaks replaced (foldedFrame). `prefix` (e.g. the map's name) starts every
 * stack. Straight from the keys, without a tree: the fast path for folded, speedscope, pprof.
 */
export function foldedStacksOfMap(ev: MapEvent, prefix?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, c] of foldedCountsOfMap(ev, prefix)) out.set(k, Number(c));
  return out;
}

/** foldedStacksOfMap with exact counts: a bigint where a count or a sum is beyond 2^53. */
export function foldedCountsOfMap(ev: MapEvent, prefix?: string): Map<string, Count> {
  const pre = prefix !== undefined ? foldedFrame(prefix) : null;
  const run = (groupParts: number): { out: Map<string, Count>; fewest: number; most: number } => {
    const out = new Map<string, Count>();
    let fewest = Infinity;
    let most = 0;
    const fast = new FastFold(pre);
    for (const e of eachEntry(ev)) {
      if (e.key === null) continue;
      const v = typeof e.value === 'number' ? e.value : readCount(e.value);
      if (v === null || v <= 0 || (typeof v === 'number' && !Number.isFinite(v))) continue;
      // The usual key (ASCII frames "name+123", ASCII comm/pid) straight into one string;
      // any other the general way, part by part.
      let k = fast.fold(e.key, groupParts);
      const g = fast.groupCount;
      if (g < fewest) fewest = g;
      if (g > most) most = g;
      if (k === null) {
        const p = parseStackKey(e.key);
        const parts: string[] = pre !== null ? [pre] : [];
        const groups = g > groupParts ? normalizeGroups(p.groups, groupParts) : p.groups;
        for (const x of groups) parts.push(foldedFrame(x));
        for (let s = p.stacks.length - 1; s >= 0; s--) {
          const frames = p.stacks[s];
          for (let f = frames.length - 1; f >= 0; f--) parts.push(foldedFrame(nameOf(frames[f])));
        }
        // An empty stack (a kstack sampled in user space, no other parts): kept, so totals agree with the UI's root.
        k = parts.length > 0 ? parts.join(';') : EMPTY_STACK;
      }
      const prev = out.get(k);
      out.set(k, prev === undefined ? v : (addCounts(prev, v) ?? Number(prev) + Number(v)));
    }
    return { out, fewest, most };
  };
  const first = run(Infinity);
  // Keys with more parts than others: a comm held a comma. Fold again knowing the part count.
  return first.most > first.fewest ? run(first.fewest).out : first.out;
}

/**
 * The folded text of a key whose frames and other parts are plain ASCII (no ';', no control
 * characters) and whose frames are "name" or "name+digits": the frames' ranges are found by
 * parseStackKey, then copied root first (offsets cut) into one byte buffer that becomes the
 * stack's one string. Exactly what the part-by-part fold gives for such keys (foldedFrame
 * changes none of them), without a string per frame, an array of parts or a join.
 */
class FastFold {
  private buf = Buffer.allocUnsafe(1 << 16);
  private ranges = new Int32Array(1 << 10);
  private nRanges = 0;
  private plain = true;
  /** The key's other parts (comm, pid…) as parseStackKey counted them. */
  groupCount = 0;
  private readonly frameRange = (key: string, x: number, y: number): number => {
    let plus = -1;
    for (let i = x; i < y; i++) {
      const c = key.charCodeAt(i);
      if (c < 32 || c > 126 || c === 59) {
        this.plain = false;
        return 0;
      }
      if (c === 43) plus = i;
    }
    let end = y;
    if (x === y) this.plain = false; // a blank frame: " "
    else if (plus > x && plus + 1 < y) {
      let i = plus + 1;
      while (i < y) {
        const c = key.charCodeAt(i);
        if (c < 48 || c > 57) break;
        i++;
      }
      if (i < y) this.plain = false; // "+0x1f", "+12 (/lib/x.so)": frameName's forms
      end = plus;
    }
    if (this.nRanges + 2 > this.ranges.length) {
      const r = new Int32Array(this.ranges.length * 2);
      r.set(this.ranges);
      this.ranges = r;
    }
    const id = this.nRanges >> 1;
    this.ranges[this.nRanges++] = x;
    this.ranges[this.nRanges++] = end;
    return id;
  };

  constructor(private readonly pre: string | null) {
    if (pre !== null && !isPlain(pre)) this.plain = false;
  }

  /** The folded stack, or null when the key needs the general fold (groupCount is set either way). */
  fold(key: string, groupParts: number): string | null {
    this.nRanges = 0;
    this.plain = this.pre === null || isPlain(this.pre);
    const p = parseStackKey(key, this.frameRange);
    this.groupCount = p.groups.length;
    if (!this.plain) return null;
    const groups = p.groups.length > groupParts ? normalizeGroups(p.groups, groupParts) : p.groups;
    for (const g of groups) if (!isPlain(g)) return null;
    let need = this.pre !== null ? this.pre.length + 1 : 0;
    for (const g of groups) need += g.length + 1;
    for (let i = 0; i < this.nRanges; i += 2) need += this.ranges[i + 1] - this.ranges[i] + 1;
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need * 2);
    const buf = this.buf;
    let n = 0;
    if (this.pre !== null) n += buf.write(this.pre, n, 'latin1');
    for (const g of groups) {
      if (n > 0) buf[n++] = 59;
      n += buf.write(g, n, 'latin1');
    }
    const stacks = p.stackIds!;
    const ranges = this.ranges;
    for (let s = stacks.length - 1; s >= 0; s--) {
      const ids = stacks[s];
      for (let f = ids.length - 1; f >= 0; f--) {
        if (n > 0) buf[n++] = 59;
        const a = ranges[2 * ids[f]];
        const b = ranges[2 * ids[f] + 1];
        for (let i = a; i < b; i++) buf[n++] = key.charCodeAt(i);
      }
    }
    // An empty stack (a kstack sampled in user space, no other parts): kept, so totals agree with the UI's root.
    return n > 0 ? buf.toString('latin1', 0, n) : EMPTY_STACK;
  }
}

/** ASCII text foldedFrame leaves as it is (not blank, no ';' or control characters). */
function isPlain(s: string): boolean {
  let blank = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 59) return false;
    if (c !== 32) blank = false;
  }
  return !blank;
}
