// Growable typed-array columns for the replay index: a few bytes per indexed line, no
// object per line (a 1 GB recording has tens of millions of lines).

export class F64s {
  a = new Float64Array(16);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  last(): number {
    return this.a[this.length - 1];
  }
}

export class U32s {
  a = new Uint32Array(16);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
}

/** Lines of one kind: where each is in the file and its time. */
export class LineColumn {
  readonly offset = new F64s();
  readonly len = new U32s();
  readonly t = new F64s();
  get length(): number {
    return this.t.length;
  }
  push(offset: number, len: number, t: number): void {
    this.offset.push(offset);
    this.len.push(len);
    this.t.push(t);
  }
  /** How many entries have t ≤ x (t is non-decreasing). */
  countUpTo(x: number): number {
    return upperBound(this.t.a, this.t.length, x);
  }
}

/** First index in sorted a[0..n) whose value is > x (= how many are ≤ x). */
export function upperBound(a: ArrayLike<number>, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
