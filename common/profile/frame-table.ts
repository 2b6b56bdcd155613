// Interning of frame text read in place from a stack key. Pure.
//
// Why not a Map<string, id>: looking a frame up in a Map needs the frame as a string of its
// own, i.e. a `key.slice(x, y)` per frame, hashed anew each time; on bench/flamegraph
// (100 k keys, 2.5 M frames) that was most of the fold. This table hashes the characters of
// key[x, y) where they are and compares a candidate with charCodeAt, so a frame seen before
// costs no allocation at all.
//
// Layout, for the cache (2.5 M lookups into ~140 k entries miss it on nearly every one):
// open addressing with linear probing over ONE Int32Array of 64-byte slots — the full hash,
// the value + 1 (0 = empty), the text's offset in a UTF-16 char pool and its length, then
// the text's first 24 chars, two an int — so a lookup of a frame up to 24 chars reads one
// slot and nothing else (the pool only for the rest of a longer one). Against separate
// hash/value/text arrays it halved the misses (CPU of the lookups ~0.7× in one run).

const STRIDE = 16;
const HASH = 0;
const VALUE = 1;
const OFF = 2;
const LEN = 3;
const TEXT = 4;
/** Chars kept in the slot: 12 ints of two UTF-16 units. */
const INLINE = (STRIDE - TEXT) * 2;

/** FNV-1a over key[x, y) then a murmur3 finalizer, so the low bits used for the slot mix well. */
export function hashRange(key: string, x: number, y: number): number {
  let h = 0x811c9dc5;
  for (let i = x; i < y; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * A set of strings, each with a non-negative integer value, looked up by a range of another
 * string: `get(key, x, y)` is the value of key.slice(x, y) or -1; `addLast` stores a new one.
 */
export class RangeTable {
  private slots: Int32Array;
  private mask: number;
  private pool: Uint16Array;
  private poolEnd = 0;
  private count = 0;
  /** Hash of the last `get` (so an `addLast` right after it does not hash again). */
  private lastHash = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(cap * STRIDE);
    this.mask = cap - 1;
    this.pool = new Uint16Array(Math.max(256, capacity * 32));
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for key[x, y), or -1. */
  get(key: string, x: number, y: number): number {
    const h = hashRange(key, x, y);
    this.lastHash = h;
    const len = y - x;
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const b = s * STRIDE;
      const v = slots[b + VALUE];
      if (v === 0) return -1;
      if (slots[b + HASH] === h && slots[b + LEN] === len) {
        // The first INLINE chars sit in the slot itself (the same cache line), two a slot int.
        const head = len < INLINE ? len : INLINE;
        let j = 0;
        for (; j + 1 < head; j += 2) if (slots[b + TEXT + (j >> 1)] !== (key.charCodeAt(x + j) | (key.charCodeAt(x + j + 1) << 16))) break;
        if (j + 1 >= head && (j >= head || slots[b + TEXT + (j >> 1)] === key.charCodeAt(x + j))) {
          if (len <= INLINE) return v - 1;
          const pool = this.pool;
          const off = slots[b + OFF] - x;
          let i = x + INLINE;
          while (i < y && pool[off + i] === key.charCodeAt(i)) i++;
          if (i === y) return v - 1;
        }
      }
      s = (s + 1) & mask;
    }
  }

  /** Store key[x, y) with `value` (≥ 0); only right after a `get` of the same range that returned -1. */
  addLast(key: string, x: number, y: number, value: number): void {
    const len = y - x;
    if (this.poolEnd + len > this.pool.length) {
      const p = new Uint16Array(Math.max(this.pool.length * 2, this.poolEnd + len));
      p.set(this.pool.subarray(0, this.poolEnd));
      this.pool = p;
    }
    const off = this.poolEnd;
    for (let j = 0; j < len; j++) this.pool[off + j] = key.charCodeAt(x + j);
    this.poolEnd += len;
    this.count++;
    // Keep the load at most 3/4 (a slot is a cache line: a bigger table costs more misses than the probes).
    if (this.count * 4 > (this.mask + 1) * 3) this.rehash((this.mask + 1) * 2);
    this.place(this.slots, this.mask, this.lastHash, value + 1, off, len);
  }

  private place(slots: Int32Array, mask: number, h: number, v: number, off: number, len: number): void {
    let s = h & mask;
    while (slots[s * STRIDE + VALUE] !== 0) s = (s + 1) & mask;
    const b = s * STRIDE;
    slots[b + HASH] = h;
    slots[b + VALUE] = v;
    slots[b + OFF] = off;
    slots[b + LEN] = len;
    const pool = this.pool;
    const head = len < INLINE ? len : INLINE;
    for (let j = 0; j < head; j += 2) slots[b + TEXT + (j >> 1)] = pool[off + j] | (j + 1 < head ? pool[off + j + 1] << 16 : 0);
  }

  private rehash(cap: number): void {
    const old = this.slots;
    const slots = new Int32Array(cap * STRIDE);
    const mask = cap - 1;
    for (let b = 0; b < old.length; b += STRIDE) {
      if (old[b + VALUE] !== 0) this.place(slots, mask, old[b + HASH], old[b + VALUE], old[b + OFF], old[b + LEN]);
    }
    this.slots = slots;
    this.mask = mask;
  }
}
