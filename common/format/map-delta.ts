// Map prints recorded as what changed since the previous print of the same map (recording
// format 2). Pure: the writer encodes, every reader decodes through MapDeltaDecoder, so the
// print a reader gets is exactly the one bpftrace printed: the same entries in the same
// order, byte-exact keys, the same values (compared as their JSON text).
//
// A delta line:
//   {"type":"mapdelta","t":MS,"name":"@x","n":ENTRIES,"ev":{…the print, "entries":0…},
//    "set":[ID,{…entry without key…},…],"pieces":["text",…],"add":[[PIECE,…],{…entry without key…},…],
//    "del":[ID,…],"order":[FROM,LEN,…]}
// IDs number a map's keys since its last full print: the full print's entries are 0..n-1,
// each added key takes the next number. The print's order is the previous order without the
// deleted keys, then the added keys (the "base"); `order` says which runs of the base, in
// which sequence, make the new order (absent: the base as it is). An added key is written as
// the numbers of its '\n'-separated pieces (a stack's frames: a new stack mostly repeats
// frames already seen): the pieces of the full print's keys are numbered in order of first
// appearance, each delta's new `pieces` take the next numbers; joining them with '\n' gives
// the key back byte for byte. A full print (an ordinary
// format-1 map line) is written first, whenever the map's shape defeats a delta (a key
// printed twice, an entry not led by its key), and as a checkpoint once the deltas since
// the last one add up to twice its size (CHECKPOINT_EVERY): a reader rebuilds any print
// from at most ~3 full prints' bytes, and a crash loses nothing (every line is whole on its
// own write).

export const MAP_DELTA = 'mapdelta';
/**
 * A full print once the changes since the last one add up to this many of its size: the
 * file holds ≤ (1 + 1/K)× the changes' bytes, and a reader rebuilds a print from ≤ K + 1
 * full prints' bytes (K = 2: a third more than the changes alone, a seek reads ≤ 3 prints).
 */
const CHECKPOINT_EVERY = 2;

type Key = string | null;
type Entry = { key: Key } & Record<string, unknown>;
/** An aggregate print as recordings hold it (map, hist or stats). */
export interface Print {
  type: 'map' | 'hist' | 'stats';
  t: number;
  name: string;
  entries: Entry[];
  [field: string]: unknown;
}

export interface MapDelta {
  type: typeof MAP_DELTA;
  t: number;
  name: string;
  n: number;
  ev: Record<string, unknown>;
  set?: unknown[];
  pieces?: string[];
  add?: unknown[];
  del?: number[];
  order?: number[];
}

export class MapDeltaError extends Error {}

export const isMapDelta = (x: unknown): x is MapDelta =>
  typeof x === 'object' && x !== null && (x as { type?: unknown }).type === MAP_DELTA && typeof (x as { name?: unknown }).name === 'string';

/** The entry's fields other than its key, as JSON text; null when the key is not its first field. */
function restText(e: Entry): string | null {
  let first = true;
  let out = '{';
  for (const k in e) {
    if (first) {
      if (k !== 'key') return null;
      first = false;
      continue;
    }
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + JSON.stringify(e[k]);
  }
  return first ? null : out + '}';
}

interface EncState {
  type: string;
  ids: Map<Key, number>;
  keys: Key[];
  rest: string[];
  order: number[];
  /** Key pieces (frames) by text: their numbers. */
  pieces: Map<string, number>;
  /** Bytes of the last full print, and of the deltas written since. */
  fullBytes: number;
  since: number;
}

/** Turns a recording's aggregate prints into lines: a full print or a delta. One per recording. */
export class MapDeltaEncoder {
  private readonly maps = new Map<string, EncState>();
  /** Full prints and deltas written (for the bench and tests). */
  fulls = 0;
  deltas = 0;
  /** Per map: the share of its entries that changed (set, added or deleted) at its last print, when known. */
  readonly changed = new Map<string, number>();

  /**
   * @param minFullBytes maps whose full print is shorter than this are always printed full
   *   (a delta of a 3-key map saves nothing worth the reader's work).
   */
  constructor(private readonly minFullBytes = 4096) {}

  /** The recording line (no newline) for this print. */
  line(e: Print): string {
    const st = this.maps.get(e.name);
    this.changed.delete(e.name);
    if (st && st.type === e.type) {
      const d = this.delta(st, e);
      if (d !== null && st.since + d.length <= CHECKPOINT_EVERY * st.fullBytes) {
        st.since += d.length;
        this.deltas++;
        return d;
      }
    }
    return this.full(e);
  }

  private full(e: Print): string {
    const text = JSON.stringify(e);
    this.fulls++;
    if (text.length < this.minFullBytes) {
      this.maps.delete(e.name);
      return text;
    }
    const st: EncState = { type: e.type, ids: new Map(), keys: [], rest: [], order: [], pieces: new Map(), fullBytes: text.length, since: 0 };
    for (const en of e.entries) {
      const r = restText(en);
      if (r === null || st.ids.has(en.key)) {
        // Not deltable (a repeated key, an entry not led by its key): the next print is full too.
        this.maps.delete(e.name);
        return text;
      }
      const id = st.keys.length;
      st.ids.set(en.key, id);
      st.keys.push(en.key);
      st.rest.push(r);
      st.order.push(id);
      if (en.key !== null) for (const p of en.key.split('\n')) if (!st.pieces.has(p)) st.pieces.set(p, st.pieces.size);
    }
    this.maps.set(e.name, st);
    return text;
  }

  /** The delta line against the state (updated), or null when this print cannot be one. */
  private delta(st: EncState, e: Print): string | null {
    const oldCount = st.keys.length;
    const present = new Uint8Array(oldCount);
    const now: number[] = new Array(e.entries.length);
    const newKeys: Key[] = [];
    const newRest: string[] = [];
    let set = '';
    let sets = 0;
    let dels = 0;
    let add = '';
    let pieces = '';
    const newPieces: string[] = [];
    let i = 0;
    for (const en of e.entries) {
      const r = restText(en);
      if (r === null) return null;
      let id = st.ids.get(en.key);
      if (id === undefined || id >= oldCount) {
        if (id !== undefined || en.key === null) return this.undo(st, newKeys, newPieces); // a new key twice; a scalar's
        id = oldCount + newKeys.length;
        st.ids.set(en.key, id); // undone below if this print turns out not deltable
        newKeys.push(en.key);
        newRest.push(r);
        let ids = '';
        for (const p of en.key.split('\n')) {
          let pid = st.pieces.get(p);
          if (pid === undefined) {
            pid = st.pieces.size;
            st.pieces.set(p, pid);
            newPieces.push(p);
            pieces += (pieces ? ',' : '') + JSON.stringify(p);
          }
          ids += (ids ? ',' : '') + pid;
        }
        add += (add ? ',' : '') + '[' + ids + '],' + r;
      } else {
        if (present[id]) return this.undo(st, newKeys, newPieces);
        present[id] = 1;
        if (st.rest[id] !== r) {
          set += (set ? ',' : '') + id + ',' + r;
          sets++;
          st.rest[id] = r;
        }
      }
      now[i++] = id;
    }
    // The base: the previous order without the deleted keys, then the added ones.
    const pos = new Int32Array(oldCount + newKeys.length);
    let del = '';
    let b = 0;
    for (const id of st.order) {
      if (present[id]) pos[id] = b++;
      else {
        del += (del ? ',' : '') + id;
        dels++;
        st.ids.delete(st.keys[id]);
      }
    }
    for (let k = 0; k < newKeys.length; k++) pos[oldCount + k] = b++;
    const runs: number[] = [];
    for (let k = 0; k < now.length; k++) {
      const p = pos[now[k]];
      if (k > 0 && p === pos[now[k - 1]] + 1) runs[runs.length - 1]++;
      else runs.push(p, 1);
    }
    for (let k = 0; k < newKeys.length; k++) {
      st.keys.push(newKeys[k]);
      st.rest.push(newRest[k]);
    }
    st.order = now;
    this.changed.set(e.name, (sets + dels + newKeys.length) / Math.max(1, now.length + dels));
    const inOrder = runs.length === 0 || (runs.length === 2 && runs[0] === 0);
    let text = `{"type":"${MAP_DELTA}","t":${JSON.stringify(e.t)},"name":${JSON.stringify(e.name)},"n":${now.length},"ev":${JSON.stringify({ ...e, entries: 0 })}`;
    if (set) text += `,"set":[${set}]`;
    if (pieces) text += `,"pieces":[${pieces}]`;
    if (add) text += `,"add":[${add}]`;
    if (del) text += `,"del":[${del}]`;
    if (!inOrder) text += `,"order":[${runs.join(',')}]`;
    return text + '}';
  }

  /** Forget what a print that cannot be a delta added (the full print written instead resets the rest). */
  private undo(st: EncState, newKeys: Key[], newPieces: string[]): null {
    for (const k of newKeys) st.ids.delete(k);
    for (const p of newPieces) st.pieces.delete(p);
    return null;
  }
}

interface DecState {
  keys: Key[];
  entries: Entry[];
  order: number[];
  /** Key pieces by number: made from the full print's keys at the first change (most prints have none after them). */
  pieces: string[] | null;
}

/**
 * Rebuilds prints from full prints and deltas, per map. Feed it every print of a map in file
 * order from a full print on; `apply` returns the print bpftrace printed.
 */
export class MapDeltaDecoder {
  private readonly maps = new Map<string, DecState>();

  /** A full print: the base for the deltas that follow it. */
  full(e: Print): void {
    const entries = e.entries;
    this.maps.set(e.name, { keys: entries.map((x) => x.key), entries: entries.slice(), order: entries.map((_, i) => i), pieces: null });
  }

  /** Whether a delta of this map can be applied (a full print came first). */
  has(name: string): boolean {
    return this.maps.has(name);
  }

  forget(name: string): void {
    this.maps.delete(name);
  }

  apply(d: MapDelta): Print {
    const st = this.maps.get(d.name);
    if (!st) throw new MapDeltaError(`a change to ${d.name} without its full print before it`);
    const oldCount = st.keys.length;
    const deleted = new Uint8Array(oldCount);
    for (const id of d.del ?? []) {
      if (!Number.isInteger(id) || id < 0 || id >= oldCount) throw new MapDeltaError(`a change to ${d.name} deletes an unknown key (${id})`);
      deleted[id] = 1;
    }
    const set = d.set ?? [];
    for (let k = 0; k + 1 < set.length; k += 2) {
      const id = set[k] as number;
      const rest = set[k + 1];
      if (!Number.isInteger(id) || id < 0 || id >= oldCount || typeof rest !== 'object' || rest === null) throw new MapDeltaError(`a change to ${d.name} sets an unknown key (${String(id)})`);
      st.entries[id] = { key: st.keys[id], ...(rest as Record<string, unknown>) };
    }
    if (st.pieces === null) {
      const seen = new Set<string>();
      st.pieces = [];
      for (const k of st.keys) {
        if (k === null) continue;
        for (const p of k.split('\n')) {
          if (seen.has(p)) continue;
          seen.add(p);
          st.pieces.push(p);
        }
      }
    }
    for (const p of d.pieces ?? []) {
      if (typeof p !== 'string') throw new MapDeltaError(`a change to ${d.name} has a key piece that is not text`);
      st.pieces.push(p);
    }
    const base: number[] = [];
    for (const id of st.order) if (!deleted[id]) base.push(id);
    const add = d.add ?? [];
    for (let k = 0; k + 1 < add.length; k += 2) {
      const ids = add[k];
      const rest = add[k + 1];
      if (!Array.isArray(ids) || typeof rest !== 'object' || rest === null) throw new MapDeltaError(`a change to ${d.name} adds an entry without a key`);
      const parts: string[] = [];
      for (const pid of ids as unknown[]) {
        const p = typeof pid === 'number' ? st.pieces[pid] : undefined;
        if (p === undefined) throw new MapDeltaError(`a change to ${d.name} names an unknown key piece (${String(pid)})`);
        parts.push(p);
      }
      const key = parts.join('\n');
      const id = st.keys.length;
      st.keys.push(key);
      st.entries.push({ key, ...(rest as Record<string, unknown>) });
      base.push(id);
    }
    let order = base;
    if (d.order) {
      order = [];
      const r = d.order;
      for (let k = 0; k + 1 < r.length; k += 2) {
        const from = r[k];
        const len = r[k + 1];
        if (!Number.isInteger(from) || !Number.isInteger(len) || from < 0 || len < 0 || from + len > base.length) throw new MapDeltaError(`a change to ${d.name} orders entries it does not have`);
        for (let j = from; j < from + len; j++) order.push(base[j]);
      }
    }
    if (order.length !== d.n) throw new MapDeltaError(`a change to ${d.name} rebuilds ${order.length} entries where ${d.n} were printed`);
    st.order = order;
    const entries = order.map((id) => st.entries[id]);
    return { ...(d.ev as Omit<Print, 'entries'>), entries } as Print;
  }
}
