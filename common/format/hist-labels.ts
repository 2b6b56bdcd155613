// The labels bpftrace prints for histogram buckets ("[4K, 8K)", "(..., 0)", "[1]"), exact
// beyond 2^53: the same in the views and in `kscope record`'s echo of bpftrace's text.
import type { Bucket } from '../contract/index.js';
import type { ExactInt } from '../contract/index.js';

const SUFFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** bpftrace's power-of-1024 suffixes: 4096 → "4K", 1048576 → "1M", 1000 → "1000". */
export function suffixed(x: ExactInt): string {
  if (typeof x === 'string') {
    // Beyond 2^53: exact, with bigint arithmetic.
    let v = BigInt(x);
    const neg = v < 0n;
    if (neg) v = -v;
    let i = 0;
    while (v >= 1024n && v % 1024n === 0n && i < SUFFIXES.length - 1) {
      v /= 1024n;
      i++;
    }
    return `${neg ? '-' : ''}${v}${SUFFIXES[i]}`;
  }
  const n = x;
  if (!Number.isFinite(n)) return String(n);
  if (n === 0 || !Number.isInteger(n)) return String(n);
  const neg = n < 0;
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && v % 1024 === 0 && i < SUFFIXES.length - 1) {
    v /= 1024;
    i++;
  }
  return `${neg ? '-' : ''}${v}${SUFFIXES[i]}`;
}

/**
 * The label bpftrace prints for a bucket. Buckets carry an inclusive max, so [2, 3] is
 * printed "[2, 4)", [4K, 8K-1] "[4K, 8K)", a one-value bucket "[1]"; a bucket without
 * min is the underflow "(..., max+1)", one without max the overflow "[min, ...)".
 */
export function bucketLabel(b: Bucket, bound: (x: ExactInt) => string = suffixed): string {
  if (b.min === undefined && b.max === undefined) return '(..., ...)';
  if (b.min === undefined) return `(..., ${bound(plusOne(b.max!))})`;
  if (b.max === undefined) return `[${bound(b.min)}, ...)`;
  if (b.max === b.min) return `[${bound(b.min)}]`;
  return `[${bound(b.min)}, ${bound(plusOne(b.max))})`;
}

const IEC: Record<string, string> = { '': ' B', K: ' KiB', M: ' MiB', G: ' GiB', T: ' TiB', P: ' PiB', E: ' EiB' };

/**
 * A bound in bytes with its IEC name: bpftrace's K, M, G are already powers of 1024, so
 * "4K" is exactly "4 KiB" (1000 stays "1000 B": not a multiple of 1024).
 */
export function iecBytes(x: ExactInt): string {
  const s = suffixed(x);
  const m = /^(-?\d+)([KMGTPE]?)$/.exec(s);
  return m ? `${m[1]}${IEC[m[2]!]}` : s;
}

/** n + 1, exactly (a bucket's inclusive max to the bound bpftrace prints). */
function plusOne(n: ExactInt): ExactInt {
  if (typeof n === 'number' && Number.isSafeInteger(n + 1)) return n + 1;
  return (BigInt(n) + 1n).toString();
}
