// One representation for bpftrace's 64-bit integers, whatever the version prints (0.17 and
// 0.23 print bare numbers beyond 2^53, which JSON.parse rounds; 0.27 prints them as JSON
// strings): a JavaScript number when it is a safe integer (|n| <= 2^53 - 1), else its exact
// decimal text. Every consumer (live views, exports, CSV) reads it through these helpers.
import { z } from 'zod';

export const ExactInt = z.union([z.number(), z.string().regex(/^-?\d+$/)]);
export type ExactInt = z.infer<typeof ExactInt>;

const DECIMAL = /^-?\d+$/;

/** An integer's decimal text (a string value is the exact one). */
export function intText(v: number | string): string {
  return typeof v === 'string' ? v : String(v);
}

/** A number for charts and ratios (may round beyond 2^53; never for display or export). */
export function intToNumber(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

/** The canonical form of an exact integer given as a bigint. */
export function fromBigInt(b: bigint): ExactInt {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
}

/** True for a value in the exact-int form that is an integer. */
export function isExactInt(v: unknown): v is ExactInt {
  return (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && DECIMAL.test(v));
}

/** a + b without rounding (values already in exact-int form). */
export function addInts(a: ExactInt, b: ExactInt): ExactInt {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return fromBigInt(BigInt(a) + BigInt(b));
}

/** Compare two exact integers (for sorting). */
export function compareInts(a: ExactInt, b: ExactInt): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
