// Malformed messages for every contract method, generated from its params schema (zod →
// JSON Schema): wrong types, missing and extra fields, out-of-range numbers, too long or
// too short strings, pattern breakers, oversized arrays, and broken envelopes. Whether a
// generated params value is malformed is decided by an independent validator (ajv on the
// JSON Schema), not by the zod schemas the transports use: the fuzz tests then check that
// the transports refuse everything ajv refuses.
import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { z } from 'zod';
import { methods, type MethodName } from '../../../common/contract/index.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  default?: unknown;
}

export function paramsJsonSchema(method: MethodName): JsonSchema {
  return z.toJSONSchema(methods[method].params as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

// ajv's default Ajv export shape differs between its CJS and ESM typings.
const AjvCtor = ((Ajv2020 as unknown as { default?: unknown }).default ?? Ajv2020) as new (o: object) => { compile(s: object): (d: unknown) => boolean };
const ajv = new AjvCtor({ strict: false, allErrors: false, validateSchema: false });

/** The independent oracle: does this value satisfy the method's JSON Schema? */
export function jsonSchemaValidator(method: MethodName): (value: unknown) => boolean {
  const validate = ajv.compile(paramsJsonSchema(method) as object);
  const optional = methods[method].params.safeParse(undefined).success;
  return (v) => (v === undefined ? optional : validate(v));
}

function types(s: JsonSchema): Set<string> {
  if (s.anyOf) return new Set(s.anyOf.flatMap((b) => [...types(b)]));
  if (s.const !== undefined) return new Set([jsonType(s.const)]);
  if (s.enum) return new Set(s.enum.map(jsonType));
  if (s.type === undefined) return new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);
  const t = new Set(Array.isArray(s.type) ? s.type : [s.type]);
  if (t.has('number')) t.add('integer');
  return t;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The smallest value a schema accepts (the base each mutation changes one thing of). */
export function minimalValid(s: JsonSchema): unknown {
  if (s.anyOf) return minimalValid(s.anyOf[0]);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (t) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const k of s.required ?? []) o[k] = minimalValid(s.properties![k]);
      return o;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => minimalValid(s.items ?? {}));
    case 'string':
      return 'a'.repeat(Math.max(1, s.minLength ?? 0));
    case 'integer':
    case 'number': {
      if (s.minimum !== undefined) return s.minimum;
      if (s.exclusiveMinimum !== undefined) return Math.floor(s.exclusiveMinimum) + 1;
      return 0;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** Built once: strings too big to make per run. */
const hugeCache = new Map<number, string>();
function huge(n: number): string {
  let s = hugeCache.get(n);
  if (s === undefined) hugeCache.set(n, (s = 'A'.repeat(n)));
  return s;
}

function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function deepObject(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

export interface GenOptions {
  /** Structured-clone values that only Electron IPC can carry (NaN, BigInt, Map, Date, ...). */
  ipc?: boolean;
}

/** Values of every JSON type (and, for IPC, more), filtered to types the schema does not allow. */
function wrongType(s: JsonSchema, o: GenOptions): fc.Arbitrary<unknown> {
  const allowed = types(s);
  const pool: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.string({ maxLength: 20 }),
    fc.constantFrom('true', '1', '0', 'null', '[]', '{}', '__proto__', 'constructor'),
    fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 4 }),
    fc.constant(deepArray(500)),
  ];
  if (o.ipc) pool.push(fc.constantFrom<unknown>(10n, new Map([['a', 1]]), new Set([1]), new Date(0), new Uint8Array(4), NaN, Infinity, -Infinity));
  return fc.oneof(...pool).filter((v) => !allowed.has(jsonType(v)));
}

/** A value the schema at this spot refuses (usually; the caller filters with the oracle). */
export function badValue(s: JsonSchema, o: GenOptions = {}): fc.Arbitrary<unknown> {
  const arbs: fc.Arbitrary<unknown>[] = [wrongType(s, o)];
  /** Costly to send (megabytes): generated rarely. */
  const rare: fc.Arbitrary<unknown>[] = [];
  if (s.anyOf) arbs.push(...s.anyOf.map((b) => badValue(b, o)));
  if (s.enum) arbs.push(fc.string({ maxLength: 30 }).filter((x) => !s.enum!.includes(x)), fc.constantFrom(...s.enum.map((e) => String(e).toUpperCase() + ' ')));
  const t = Array.isArray(s.type) ? s.type : [s.type];
  if (t.includes('string') && !s.enum) {
    if (s.maxLength !== undefined) {
      const max = s.maxLength;
      (max >= 10_000 ? rare : arbs).push(fc.integer({ min: 1, max: 64 }).map((k) => 'b'.repeat(max + k)));
      // Rarely, far over the limit (and over the message limit for the largest fields).
      if (max >= 10_000) rare.push(fc.constantFrom(huge(max + 1), huge(Math.min(max * 2 + 1, 5_000_000))));
      else arbs.push(fc.constant(huge(max * 8 + 1)));
    }
    if ((s.minLength ?? 0) > 0) arbs.push(fc.constant(''));
    if (s.pattern) {
      const re = new RegExp(s.pattern, 'u');
      arbs.push(fc.constantFrom('../etc/passwd', '.hidden', 'a/b', '/abs', ' lead', 'x\u0000y', '-dash', 'a\nb', '..'));
      arbs.push(fc.string({ minLength: 1, maxLength: 40 }).filter((x) => !re.test(x)));
    }
  }
  if (t.includes('number') || t.includes('integer')) {
    const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : undefined);
    const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum : undefined);
    if (s.exclusiveMinimum !== undefined) arbs.push(fc.constant(s.exclusiveMinimum));
    if (lo !== undefined) arbs.push(fc.double({ max: lo, noNaN: true, noDefaultInfinity: true }).filter((d) => d < lo || (s.exclusiveMinimum !== undefined && d <= lo)));
    if (hi !== undefined) arbs.push(fc.double({ min: hi, noNaN: true, noDefaultInfinity: true }).filter((d) => d > hi), fc.constant(1e308));
    if (t.includes('integer') && !t.includes('number')) arbs.push(fc.integer({ min: (lo ?? 0) + 1, max: (lo ?? 0) + 1000 }).map((i) => i + 0.5));
    arbs.push(fc.constantFrom(-1e308, 2 ** 53 + 2, -(2 ** 53) - 2));
  }
  if (t.includes('array')) {
    const item = s.items ?? {};
    if (s.maxItems !== undefined) arbs.push(fc.constant(Array.from({ length: s.maxItems + 1 }, () => minimalValid(item))));
    arbs.push(badValue(item, o).map((bad) => [minimalValid(item), bad]));
  }
  if (t.includes('object') && s.properties) arbs.push(badObject(s, minimalValid(s) as Record<string, unknown>, o));
  return fc.oneof(...arbs.map((arbitrary) => ({ arbitrary, weight: 100 })), ...rare.map((arbitrary) => ({ arbitrary, weight: 1 })));
}

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'unsafe', 'flags', 'path', 'file', 'scriptPath', 'argv', 'env'];

/** An object with exactly one thing wrong: a missing required field, an extra field, or one bad field. */
export function badObject(s: JsonSchema, base: Record<string, unknown>, o: GenOptions = {}): fc.Arbitrary<unknown> {
  const props = s.properties ?? {};
  const keys = Object.keys(props);
  const arbs: fc.Arbitrary<unknown>[] = [];
  if (s.required?.length) arbs.push(fc.constantFrom(...s.required).map((k) => omit(base, k)));
  if (s.additionalProperties === false) {
    const extraKey = fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ minLength: 1, maxLength: 12 })).filter((k) => !keys.includes(k));
    arbs.push(fc.tuple(extraKey, fc.oneof({ arbitrary: fc.anything({ maxDepth: 2 }), weight: 20 }, fc.constant(deepObject(500)))).map(([k, v]) => withKey(base, k, v)));
  }
  if (keys.length) {
    arbs.push(
      fc.constantFrom(...keys).chain((k) => {
        const child = props[k];
        const bad = child.properties && (child.type === 'object' || types(child).has('object'))
          ? fc.oneof(badValue(child, o), badObject(child, minimalValid(child) as Record<string, unknown>, o))
          : badValue(child, o);
        return bad.map((v) => withKey(base, k, v));
      }),
    );
  }
  return arbs.length ? fc.oneof(...arbs) : wrongType(s, o);
}

function omit(o: Record<string, unknown>, k: string): Record<string, unknown> {
  const c = { ...o };
  delete c[k];
  return c;
}

/** Set a key as an own property, even `__proto__` (as JSON.parse would). */
function withKey(o: Record<string, unknown>, k: string, v: unknown): Record<string, unknown> {
  const c = { ...o };
  Object.defineProperty(c, k, { value: v, enumerable: true, configurable: true, writable: true });
  return c;
}

/** Params for this method that its JSON Schema refuses (whole-value junk or one thing wrong). */
export function malformedParams(method: MethodName, o: GenOptions = {}): fc.Arbitrary<unknown> {
  const s = paramsJsonSchema(method);
  const valid = jsonSchemaValidator(method);
  const base = minimalValid(s) as Record<string, unknown>;
  return fc.oneof({ arbitrary: wrongType(s, o).filter((v) => v !== undefined), weight: 1 }, { arbitrary: badObject(s, base, o), weight: 4 }).filter((p) => !valid(o.ipc ? p : roundTrip(p)));
}

/** What a JSON transport delivers of a value. */
export function roundTrip(v: unknown): unknown {
  const t = JSON.stringify(v);
  return t === undefined ? undefined : JSON.parse(t);
}

/** What the server must answer to a malformed text message. */
export type Expect = { code: 'bad-message' } | { code: 'unknown-method'; id: number } | { code: 'bad-params'; id: number } | { code: 'any-error' };

export interface Malformed {
  text: string;
  expect: Expect;
}

const callId = fc.integer({ min: 0, max: 2 ** 31 });

/** Malformed text messages aimed at one method: bad params in a good envelope, and bad envelopes. */
export function malformedMessages(method: MethodName): fc.Arbitrary<Malformed> {
  const base = minimalValid(paramsJsonSchema(method));
  const badParams = fc.tuple(callId, malformedParams(method)).map(([id, params]) => ({ text: JSON.stringify({ kind: 'call', id, method, params }), expect: { code: 'bad-params', id } as Expect }));
  const wrongMethod = fc
    .tuple(
      callId,
      fc.oneof(
        fc.constantFrom(method.toUpperCase(), ` ${method}`, `${method} `, `${method}\u0000`, `${method}.call`, `__proto__`, 'constructor', 'hasOwnProperty', 'toString', 'valueOf'),
        fc.string({ maxLength: 64 }).map((x) => method + x.slice(0, 64 - method.length)),
      ).filter((m) => m !== method && !Object.prototype.hasOwnProperty.call(methods, m) && m.length <= 64),
    )
    .map(([id, m]) => ({ text: JSON.stringify({ kind: 'call', id, method: m, params: base }), expect: { code: 'unknown-method', id } as Expect }));
  const badEnvelope = fc
    .oneof(
      // wrong kind / id / extra envelope field / method too long / method not a string
      fc.record({ kind: fc.constantFrom('reply', 'event', 'CALL', '', null, 1), id: callId }).map((e) => ({ ...e, method, params: base })),
      fc.oneof(fc.constantFrom(-1, 1.5, 2 ** 53 + 2, 1e300, NaN, null, '1', true, [1], {}), fc.double().filter((d) => !Number.isInteger(d))).map((id) => ({ kind: 'call', id, method, params: base })),
      fc.constant({ kind: 'call', method, params: base }),
      fc.tuple(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['kind', 'id', 'method', 'params'].includes(k)), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => withKey({ kind: 'call', id: 1, method, params: base }, k, v)),
      fc.constant({ kind: 'call', id: 1, method: method + 'x'.repeat(64), params: base }),
      fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string()), fc.constant({ name: method })).map((m) => ({ kind: 'call', id: 1, method: m, params: base })),
      // not an object at all
      fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.anything({ maxDepth: 2 })), fc.constant(deepArray(800))),
    )
    .map((v) => ({ text: JSON.stringify(v), expect: { code: 'bad-message' } as Expect }));
  const full = JSON.stringify({ kind: 'call', id: 1, method, params: base });
  const notJson = fc
    .oneof(
      fc.integer({ min: 0, max: full.length - 1 }).map((n) => full.slice(0, n)),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constant('['.repeat(20_000)),
      fc.constant(`{"kind":"call","id":1,"method":"${method}","params":NaN}`),
      fc.constant(`{'kind':'call','id':1,'method':'${method}'}`),
    )
    .filter((t) => !parses(t))
    .map((text) => ({ text, expect: { code: 'bad-message' } as Expect }));
  // Nesting deeper than a JSON parser may go: refused either as unparsable or as bad params.
  const deep = fc
    .constantFrom(1_000, 20_000)
    .map((n) => ({ text: `{"kind":"call","id":1,"method":"${method}","params":{"x":${'['.repeat(n)}${']'.repeat(n)}}}`, expect: { code: 'any-error' } as Expect }));
  return fc.oneof({ arbitrary: badParams, weight: 60 }, { arbitrary: wrongMethod, weight: 10 }, { arbitrary: badEnvelope, weight: 20 }, { arbitrary: notJson, weight: 10 }, { arbitrary: deep, weight: 1 });
}

function parses(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}
