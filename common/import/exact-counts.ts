// Sample counts that stay exact. A folded file's counts are integers of any size (or
// decimals, which flamegraph.pl accepts); a JS number holds integers exactly only up to 2^53
// and a sum of big decimals can overflow to Infinity (which JSON writes as null). Integers are
// summed as bigint once they leave the safe range, and a recording keeps such a count as its
// decimal string (the exact-integer representation of recordings: a number when safe, a
// string of digits beyond 2^53). A sum that cannot stay exact is refused with a reason. Pure.

export type Count = number | bigint;

const INTEGER = /^\+?\d+$/;
const DECIMAL = /^[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$/;

/** A count from its text: an exact integer (number when safe, bigint beyond), a finite decimal, or null. */
export function parseExactCount(text: string): Count | null {
  // The common case without a regex: a plain integer short enough to be exact as a number.
  const n = text.length;
  if (n > 0 && n <= 15) {
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      i++;
    }
    if (i === n) return Number(text);
  }
  if (INTEGER.test(text)) {
    const digits = text.charCodeAt(0) === 43 ? text.slice(1) : text;
    if (digits.length <= 15) return Number(digits);
    return normal(BigInt(digits));
  }
  if (!DECIMAL.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

/** A bigint as a number when that is exact. */
function normal(b: bigint): Count {
  return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** Why a + b cannot be exact, or null when it can. */
export function sumProblem(a: Count, b: Count): string | null {
  const r = addCounts(a, b);
  if (r !== null) return null;
  if (typeof a === 'bigint' || typeof b === 'bigint') return 'a fractional count cannot be added exactly to a count beyond 2^53';
  return `the sum ${a} + ${b} overflows a 64-bit float`;
}

/** a + b exactly, or null when it cannot be exact (a fraction with a huge integer, a float overflow). */
export function addCounts(a: Count, b: Count): Count | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
    if (Number.isInteger(a) && Number.isInteger(b)) return normal(BigInt(a) + BigInt(b));
    return Number.isFinite(s) ? s : null;
  }
  if (typeof a === 'number' && !Number.isInteger(a)) return null;
  if (typeof b === 'number' && !Number.isInteger(b)) return null;
  return normal(BigInt(a) + BigInt(b));
}

/** The JSON value a recording keeps: a number when exact as one, else the decimal string. */
export function countJson(c: Count): number | string {
  return typeof c === 'bigint' ? c.toString() : c;
}

/** A recorded value read back as a count (a number, or a string of digits); null when not one. */
export function readCount(v: unknown): Count | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return normal(v);
  if (typeof v === 'string') return parseExactCount(v);
  return null;
}

/** A count's text as folded files and JSON write it (no exponent for big integers). */
export function countText(c: Count): string {
  if (typeof c === 'bigint') return c.toString();
  // String(1e21) is "1e+21": folded readers want digits.
  return Number.isInteger(c) && Math.abs(c) >= 1e21 ? BigInt(c).toString() : String(c);
}
