// bpftrace prints a map key as text, and two different keys can print alike: the same
// stack from two processes in `@[ustack, comm]`, or tuples whose parts contain commas
// (`@t["a,b","c"]` and `@t["a","b,c"]` both print "a,b,c"). A JSON object then holds the
// same key twice. This module decides what each repeat means. Pure.
//
// - In a stack map (a key spans lines), a repeated key is the same stack: its values are
//   the same measure of the same thing, so they are combined exactly as the map's
//   aggregation would have: summed (counts, sums, hist buckets, stats), or the smaller /
//   larger of the two for min() / max() (the caller says which, from the script), and the
//   map keeps one entry per stack (flame graphs, folded export).
// - Anywhere else the repeats are different keys that print alike: kept as separate
//   entries, and reported so the caller can say so.
import type { Bucket, HistEvent, MapEvent, StatsEvent, StatsValue } from '../contract/index.js';
import { addInts, compareInts, isExactInt, type ExactInt } from '../contract/exact-int.js';

/** How a map's values combine: by default they add; min() and max() keep the extreme. */
export type Combine = 'sum' | 'min' | 'max';

type AnyMap = MapEvent | HistEvent | StatsEvent;

/** True when the map's keys hold a stack (multi-line key text). */
export function looksLikeStackMap(keys: ReadonlyArray<string | null>): boolean {
  for (const k of keys) if (k !== null && k.includes('\n')) return true;
  return false;
}

function addBuckets(a: Bucket[], b: Bucket[]): Bucket[] | null {
  if (a.length !== b.length) return null;
  const out: Bucket[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.min !== y.min || x.max !== y.max) return null;
    out.push({ ...x, count: x.count + y.count });
  }
  return out;
}

function isStats(v: unknown): v is StatsValue {
  return typeof v === 'object' && v !== null && 'count' in v && 'total' in v;
}

function addStats(a: StatsValue | ExactInt, b: StatsValue | ExactInt): StatsValue | null {
  if (!isStats(a) || !isStats(b)) return null; // avg() alone: no count to weigh by
  const count = addInts(a.count, b.count);
  const total = addInts(a.total, b.total);
  // bpftrace's average is total / count in integer arithmetic, truncated toward zero.
  const average = BigInt(count) === 0n ? 0 : (BigInt(total) / BigInt(count)).toString();
  const avg = Number.isSafeInteger(Number(average)) ? Number(average) : average;
  return { count, total, average: avg };
}

function combineInts(a: ExactInt, b: ExactInt, how: Combine): ExactInt {
  if (how === 'min') return compareInts(a, b) <= 0 ? a : b;
  if (how === 'max') return compareInts(a, b) >= 0 ? a : b;
  return addInts(a, b);
}

/**
 * Merge repeated keys of a stack map in place; returns the repeated keys that were kept
 * as separate entries (empty when there were none).
 */
export function mergeRepeatedKeys(ev: AnyMap, combine: Combine = 'sum'): string[] {
  const n = ev.entries.length;
  if (n < 2) return [];
  const first = new Map<string, number>();
  let repeated = false;
  for (let i = 0; i < n; i++) {
    const k = ev.entries[i]!.key;
    if (k === null) continue;
    if (first.has(k)) {
      repeated = true;
      break;
    }
    first.set(k, i);
  }
  if (!repeated) return [];
  const stack = looksLikeStackMap(ev.entries.map((e) => e.key));
  const index = new Map<string, number>();
  const kept: AnyMap['entries'][number][] = [];
  const separate = new Set<string>();
  for (const e of ev.entries) {
    const at = e.key === null ? undefined : index.get(e.key);
    if (at === undefined) {
      if (e.key !== null) index.set(e.key, kept.length);
      kept.push(e);
      continue;
    }
    const prev = kept[at]!;
    let merged: AnyMap['entries'][number] | null = null;
    if (stack) {
      if ('buckets' in prev && 'buckets' in e) {
        const b = addBuckets(prev.buckets, e.buckets);
        if (b) merged = { key: prev.key, buckets: b };
      } else if ('value' in prev && 'value' in e) {
        if (ev.type === 'stats') {
          const s = addStats(prev.value as StatsValue | ExactInt, e.value as StatsValue | ExactInt);
          if (s) merged = { key: prev.key, value: s };
        } else if (isExactInt(prev.value) && isExactInt(e.value)) merged = { key: prev.key, value: combineInts(prev.value, e.value, combine) };
      }
    }
    if (merged) kept[at] = merged;
    else {
      separate.add(e.key!);
      kept.push(e);
    }
  }
  (ev.entries as AnyMap['entries'][number][]).length = 0;
  (ev.entries as AnyMap['entries'][number][]).push(...kept);
  return [...separate];
}
