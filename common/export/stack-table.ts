// A stack map's last print folded to frame ids, for the exports that name frames by number
// (speedscope, pprof): each distinct folded stack once (root first, as ids into one shared
// frame table) with its exact count. The same stacks, names, order and counts as the string
// fold (node/exports/stack-maps.ts foldedCountsOfMap, the UI's StackFolder naming), checked
// byte for byte by node/exports/reference-outputs.test.ts — but without building a string per
// frame or per stack: frames are interned straight from the key text by range, stacks are
// merged by their id sequences. Pure.
//
// Frame ids come out in the order the string fold's exporters gave them (first appearance
// walking the stacks root first, profile after profile): the fold itself meets frames leaf
// first, so `finish()` renumbers.
import { normalizeGroups, parseStackKey } from '../profile/stacks.js';
import { addCounts, readCount, type Count } from '../import/exact-counts.js';
import { EMPTY_STACK, foldedFrame, nameOf } from './folded-frame.js';
import { FrameTable } from './frame-table.js';

/** A map's entry as a recording holds it. */
export interface StackEntry {
  key: string | null;
  value: unknown;
}

/** One stack map's distinct folded stacks. */
export interface StackCounts {
  name: string;
  /** Distinct stacks. */
  size: number;
  /** Stack i's frame ids, root first: ids[start[i] .. start[i + 1]). */
  start: Int32Array;
  ids: Int32Array;
  /** Stack i's samples: a number, or a bigint beyond 2^53. */
  counts: Count[];
  /** The sum of counts (a bigint beyond 2^53; a float only for fractions beside a bigint). */
  total: Count;
}

const FNV = 0x811c9dc5 | 0;

export class StackTable {
  private readonly table = new FrameTable();
  private readonly profiles: StackCounts[] = [];
  private finished: string[] | null = null;

  /**
   * Fold one map's print. `entries` is called once, or twice when a comm held a comma (keys
   * with more parts than others: folded again knowing the part count, as the string fold does).
   */
  add(name: string, entries: () => Iterable<StackEntry>, prefix?: string): StackCounts {
    if (this.finished) throw new Error('StackTable: add after finish');
    const first = this.run(name, entries, prefix, Infinity);
    const p = first.most > first.fewest ? this.run(name, entries, prefix, first.fewest).p : first.p;
    this.profiles.push(p);
    return p;
  }

  /** Renumber frames by first appearance (root first, profile after profile); the names by id. */
  finish(): string[] {
    if (this.finished) return this.finished;
    const names = this.table.names;
    const remap = new Int32Array(names.length).fill(-1);
    const out: string[] = [];
    for (const p of this.profiles) {
      const ids = p.ids;
      const end = p.start[p.size];
      for (let i = 0; i < end; i++) {
        let id = remap[ids[i]];
        if (id < 0) {
          id = remap[ids[i]] = out.length;
          out.push(names[ids[i]]);
        }
        ids[i] = id;
      }
    }
    return (this.finished = out);
  }

  private stringId(s: string): number {
    return this.table.idOf(s, 0, s.length);
  }

  private run(name: string, entries: () => Iterable<StackEntry>, prefix: string | undefined, groupParts: number): { p: StackCounts; fewest: number; most: number } {
    const table = this.table;
    const pre = prefix !== undefined ? this.stringId(foldedFrame(prefix)) : -1;
    // A frame of the key, [x, y): as the string fold names it (nameOf then foldedFrame), from
    // the range itself when it is plain ASCII with no ';' (the frame text is the range, its
    // "+offset" cut), else through the string functions.
    const frameId = (key: string, x: number, y: number): number => {
      let plus = -1;
      let h = FNV;
      let hPlus = FNV;
      for (let i = x; i < y; i++) {
        const c = key.charCodeAt(i);
        if (c < 32 || c > 126 || c === 59) return this.stringId(foldedFrame(nameOf(key.slice(x, y))));
        if (c === 43) {
          plus = i;
          hPlus = h;
        }
        h = Math.imul(h ^ c, 16777619);
      }
      if (x === y) return this.stringId(foldedFrame('')); // a blank frame
      if (plus > x && plus + 1 < y) {
        let i = plus + 1;
        while (i < y) {
          const c = key.charCodeAt(i);
          if (c < 48 || c > 57) break;
          i++;
        }
        // "name+0x1f", "name+12 (/lib/x.so)": frameName's other forms.
        if (i < y) return this.stringId(foldedFrame(nameOf(key.slice(x, y))));
        return table.lookup(key, x, plus, hPlus);
      }
      return table.lookup(key, x, y, h);
    };

    let start = new Int32Array(1 << 12);
    let ids = new Int32Array(1 << 16);
    const counts: Count[] = [];
    let size = 0;
    let hashes = new Int32Array(1 << 12);
    let slots = new Int32Array(1 << 13).fill(-1);
    let mask = slots.length - 1;
    let fewest = Infinity;
    let most = 0;
    let total: Count = 0;
    const emptyId = this.stringId(EMPTY_STACK);

    for (const e of entries()) {
      if (e.key === null) continue;
      const v = typeof e.value === 'number' ? e.value : readCount(e.value);
      if (v === null || v <= 0 || (typeof v === 'number' && !Number.isFinite(v))) continue;
      const parsed = parseStackKey(e.key, frameId);
      const g = parsed.groups.length;
      if (g < fewest) fewest = g;
      if (g > most) most = g;
      // The stack's ids go after the last stored stack (kept if it is new).
      const at = start[size];
      let n = at;
      let need = at + 1 + g;
      for (const s of parsed.stackIds!) need += s.length;
      if (need + 1 > ids.length) ids = grown(ids, need + 1);
      if (pre >= 0) ids[n++] = pre;
      const groups = g > groupParts ? normalizeGroups(parsed.groups, groupParts) : parsed.groups;
      for (const x of groups) ids[n++] = this.stringId(foldedFrame(x));
      const stacks = parsed.stackIds!;
      for (let s = stacks.length - 1; s >= 0; s--) {
        const f = stacks[s];
        for (let k = f.length - 1; k >= 0; k--) ids[n++] = f[k];
      }
      // An empty stack (a kstack sampled in user space, no other parts): kept, so totals agree with the UI's root.
      if (n === at) ids[n++] = emptyId;
      let h = FNV;
      for (let i = at; i < n; i++) h = Math.imul(h ^ ids[i], 16777619);
      const len = n - at;
      let found = -1;
      let slot = h & mask;
      for (; ; slot = (slot + 1) & mask) {
        const j = slots[slot];
        if (j < 0) break;
        if (hashes[j] !== h) continue;
        const a = start[j];
        if (start[j + 1] - a !== len) continue;
        let k = 0;
        while (k < len && ids[a + k] === ids[at + k]) k++;
        if (k === len) {
          found = j;
          break;
        }
      }
      if (found >= 0) counts[found] = addCounts(counts[found], v) ?? Number(counts[found]) + Number(v);
      else {
        if (size + 2 > start.length) start = grown(start, size + 2);
        if (size + 1 > hashes.length) hashes = grown(hashes, size + 1);
        hashes[size] = h;
        slots[slot] = size;
        counts.push(v);
        size++;
        start[size] = n;
        if (size * 2 > slots.length) {
          slots = new Int32Array(slots.length * 2).fill(-1);
          mask = slots.length - 1;
          for (let j = 0; j < size; j++) {
            let s = hashes[j] & mask;
            while (slots[s] >= 0) s = (s + 1) & mask;
            slots[s] = j;
          }
        }
      }
    }
    // The total in the stacks' order, as the string fold sums it (a float sum depends on order).
    for (const c of counts) total = addCounts(total, c) ?? Number(total) + Number(c);
    return { p: { name, size, start, ids, counts, total }, fewest, most };
  }
}

function grown(a: Int32Array<ArrayBuffer>, atLeast: number): Int32Array<ArrayBuffer> {
  let n = a.length * 2;
  while (n < atLeast) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
