// A JSON reader for bpftrace's `-f json` lines that keeps what JSON.parse throws away:
// - an object is a list of [key, value] entries, so a key printed twice (two stacks or two
//   tuples that print alike) is kept twice;
// - an integer beyond 2^53 keeps its exact decimal text (a string), whatever the version
//   prints (0.17/0.23 bare numbers, 0.27 strings): one representation, see api/exact-int;
// - `\uffffffXX` byte escapes are restored and decoded as UTF-8 (bpftrace-bytes);
// - map keys escaped twice (bpftrace 0.23) can be unescaped once more.
// Pure. Throws SyntaxError on malformed input (the caller then treats the line as text).
import { restoreBytes } from './bpftrace-bytes.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** An object in document order, duplicates kept. */
export interface JsonObject {
  readonly entries: Array<[string, JsonValue]>;
}

export const isJsonObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as JsonObject).entries);

/** The first entry with this key (for record fields such as "type" and "data"). */
export function field(o: JsonObject, key: string): JsonValue | undefined {
  for (const [k, v] of o.entries) if (k === key) return v;
  return undefined;
}

export interface ParseOptions {
  /** Unescape keys at this depth once more (bpftrace 0.23 prints map keys JSON-escaped twice). */
  doubleEscapedKeyDepth?: number | null;
}

const INT = /^-?(0|[1-9]\d*)$/;

/** Parse one JSON text. */
export function parseExact(text: string, opts: ParseOptions = {}): JsonValue {
  const p = new Parser(text, opts.doubleEscapedKeyDepth ?? null);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('trailing text');
  return v;
}

/** Unescape a string once more as a JSON string body (0.23's keys); unchanged if it is not one. */
export function unescapeOnce(s: string): string {
  if (!s.includes('\\')) return s;
  try {
    // Raw control characters (0.23 leaves none, but be safe) must be escaped inside a JSON string.
    // eslint-disable-next-line no-control-regex
    const v: unknown = JSON.parse('"' + s.replace(/[\u0000-\u001f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"');
    return typeof v === 'string' ? v : s;
  } catch {
    return s;
  }
}

class Parser {
  i = 0;
  constructor(
    readonly s: string,
    readonly keyDepth: number | null,
  ) {}

  fail(why: string): never {
    throw new SyntaxError(`JSON: ${why} at ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++this.i);
  }

  value(depth: number): JsonValue {
    const c = this.s.charCodeAt(this.i);
    if (c === 34 /* " */) return restoreBytes(this.rawString());
    if (c === 123 /* { */) return this.object(depth);
    if (c === 91 /* [ */) return this.array(depth);
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (this.s.startsWith('true', this.i)) return (this.i += 4), true;
    if (this.s.startsWith('false', this.i)) return (this.i += 5), false;
    if (this.s.startsWith('null', this.i)) return (this.i += 4), null;
    return this.fail('unexpected character');
  }

  /** A JSON string without byte restoration (native JSON.parse does the escapes). */
  rawString(): string {
    const s = this.s;
    const start = this.i;
    let j = start + 1;
    let escaped = false;
    for (;;) {
      const q = s.indexOf('"', j);
      if (q < 0) this.fail('unterminated string');
      const b = s.indexOf('\\', j);
      if (b >= 0 && b < q) {
        escaped = true;
        j = b + 2;
        continue;
      }
      j = q;
      break;
    }
    this.i = j + 1;
    const body = s.slice(start + 1, j);
    if (!escaped) {
      for (let k = 0; k < body.length; k++) if (body.charCodeAt(k) < 32) this.fail('control character in string');
      return body;
    }
    return JSON.parse(s.slice(start, j + 1)) as string;
  }

  number(): number | string {
    const s = this.s;
    const start = this.i;
    let j = start;
    let integer = true;
    if (s.charCodeAt(j) === 45) j++; // -
    const digits = j;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c >= 48 && c <= 57) j++;
      else if (c === 46 || c === 101 || c === 69 || c === 43 || c === 45) {
        integer = false; // . e E + -
        j++;
      } else break;
    }
    if (j === digits) this.fail('bad number');
    this.i = j;
    const text = s.slice(start, j);
    const n = Number(text);
    if (Number.isNaN(n)) this.fail('bad number');
    // An integer JavaScript cannot hold exactly keeps its decimal text (15 digits are always safe).
    if (integer && j - digits > 15 && !Number.isSafeInteger(n)) {
      if (!INT.test(text)) this.fail('bad number');
      return text;
    }
    return n;
  }

  array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 93) return this.i++, out;
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 93) return out;
      if (c !== 44) this.fail('expected , or ]');
    }
  }

  object(depth: number): JsonObject {
    const entries: Array<[string, JsonValue]> = [];
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 125) return this.i++, { entries };
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 34) this.fail('expected a key');
      let key = this.rawString();
      if (this.keyDepth === depth) key = unescapeOnce(key);
      key = restoreBytes(key);
      this.ws();
      if (this.s.charCodeAt(this.i++) !== 58) this.fail('expected :');
      this.ws();
      entries.push([key, this.value(depth + 1)]);
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 125) return { entries };
      if (c !== 44) this.fail('expected , or }');
    }
  }
}
