// The exact JSON reader, byte restoration and repeated-key merging, on the shapes bpftrace
// prints (the real outputs are in decode-versions.test.ts).
import { describe, expect, it } from 'vitest';
import type { HistEvent, MapEvent, StatsEvent } from '../../common/contract/index.js';
import { addInts, compareInts } from '../../common/contract/exact-int.js';
import { decodeUtf8, restoreBytes } from './bpftrace-bytes.js';
import { field, parseExact, unescapeOnce, type JsonObject } from './json-exact.js';
import { mergeRepeatedKeys } from '../../common/bpftrace/repeated-keys.js';
import { combineKinds } from './inject-snapshot.js';
import { StdoutDecoder } from './decode-stdout.js';

/** bpftrace's escape of a byte string, as JSON.parse leaves it. */
const escaped = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (b < 0x80 ? String.fromCharCode(b) : `\uffffff${b.toString(16)}`)).join('');

describe('restoreBytes', () => {
  it('decodes 2-, 3- and 4-byte UTF-8 and keeps ASCII around it', () => {
    for (const s of ['café', '中文文件名', 'a😀b', 'x\u00e9\u4e2d\ud83d\ude00y', 'plain']) expect(restoreBytes(escaped(s))).toBe(s);
  });
  it('shows bytes that are not UTF-8 as \\xNN, never U+FFFD', () => {
    expect(restoreBytes('a\uffffffffb')).toBe('a\\xffb');
    expect(restoreBytes('\uffffffc3')).toBe('\\xc3'); // a lead byte cut off
    expect(restoreBytes('\uffffffc0\uffffff80')).toBe('\\xc0\\x80'); // overlong
    expect(decodeUtf8([0xed, 0xa0, 0x80])).toBe('\\xed\\xa0\\x80'); // a surrogate
  });
});

describe('parseExact', () => {
  it('keeps repeated keys in order', () => {
    const o = parseExact('{"@t": {"a,b,c": 1, "a,b,c": 2}}') as JsonObject;
    expect((field(o, '@t') as JsonObject).entries).toEqual([
      ['a,b,c', 1],
      ['a,b,c', 2],
    ]);
  });
  it('keeps integers beyond 2^53 as their decimal text, others as numbers', () => {
    expect(parseExact('[9007199254740991, 9007199254740993, -9223372036854775808, 18446744073709551615, 1.5, -0, 1e3]')).toEqual([
      9007199254740991,
      '9007199254740993',
      '-9223372036854775808',
      '18446744073709551615',
      1.5,
      -0,
      1000,
    ]);
  });
  it('restores bytes in keys and values; unescapes 0.23 map keys once more at the given depth', () => {
    expect(parseExact('{"k\\uffffffc3\\uffffffa9": "\\uffffffe4\\uffffffb8\\uffffffad"}')).toEqual({ entries: [['ké', '中']] });
    const line = '{"type": "map", "data": {"@k": {"q\\\\\\"x\\\\\\\\y\\\\tz": 1, "\\\\uffffffc3\\\\uffffffa9": 2}}}';
    const o = parseExact(line, { doubleEscapedKeyDepth: 2 }) as JsonObject;
    const m = field(field(o, 'data') as JsonObject, '@k') as JsonObject;
    expect(m.entries).toEqual([
      ['q"x\\y\tz', 1],
      ['é', 2],
    ]);
    expect(unescapeOnce('no escapes')).toBe('no escapes');
    expect(unescapeOnce('bad \\q escape')).toBe('bad \\q escape');
  });
  it('rejects what is not JSON', () => {
    for (const bad of ['{', '{"a" 1}', '[1,]', '"\n"', '{"a": 1} x', 'nul']) expect(() => parseExact(bad)).toThrow(SyntaxError);
  });
});

describe('mergeRepeatedKeys', () => {
  const S = '\n    f+1\n    g+2\n';
  it('sums a stack map exactly, beyond 2^53 too', () => {
    const ev: MapEvent = { type: 'map', t: 0, name: '@', snapshot: false, entries: [
      { key: `${S},bash`, value: 3 },
      { key: `${S},sh`, value: 1 },
      { key: `${S},bash`, value: '9007199254740993' },
    ] };
    expect(mergeRepeatedKeys(ev)).toEqual([]);
    expect(ev.entries).toEqual([
      { key: `${S},bash`, value: '9007199254740996' },
      { key: `${S},sh`, value: 1 },
    ]);
  });
  it('keeps the extreme for min() and max() maps, as the script says, through the decoder', () => {
    const line = `{"type": "map", "data": {"@lo": {${JSON.stringify(S)}: 7, ${JSON.stringify(S)}: -3, ${JSON.stringify(S)}: 12}}}`;
    const kinds = combineKinds('profile:hz:99 { @lo[ustack] = min(arg0); @hi[ustack] = max(arg0); @n[ustack] = count(); }');
    expect([...kinds]).toEqual([['@lo', 'min'], ['@hi', 'max']]);
    const lo = new StdoutDecoder({ combine: kinds }).push(line + '\n', 0)[0] as MapEvent;
    expect(lo.entries).toEqual([{ key: S, value: -3 }]);
    const hi = new StdoutDecoder({ combine: kinds }).push(line.replace('@lo', '@hi') + '\n', 0)[0] as MapEvent;
    expect(hi.entries).toEqual([{ key: S, value: 12 }]);
    const n = new StdoutDecoder({ combine: kinds }).push(line.replace('@lo', '@n') + '\n', 0)[0] as MapEvent;
    expect(n.entries).toEqual([{ key: S, value: 16 }]);
    const big: MapEvent = { type: 'map', t: 0, name: '@', snapshot: false, entries: [
      { key: S, value: '9007199254740993' },
      { key: S, value: 9007199254740991 },
    ] };
    mergeRepeatedKeys(big, 'max');
    expect(big.entries).toEqual([{ key: S, value: '9007199254740993' }]);
  });
  it('adds hist buckets and stats of the same stack', () => {
    const h: HistEvent = { type: 'hist', t: 0, name: '@h', snapshot: false, entries: [
      { key: S, buckets: [{ min: 1, max: 1, count: 2 }] },
      { key: S, buckets: [{ min: 1, max: 1, count: 5 }] },
    ] };
    mergeRepeatedKeys(h);
    expect(h.entries).toEqual([{ key: S, buckets: [{ min: 1, max: 1, count: 7 }] }]);
    const s: StatsEvent = { type: 'stats', t: 0, name: '@s', snapshot: false, entries: [
      { key: S, value: { count: 2, average: 5, total: 10 } },
      { key: S, value: { count: 1, average: -7, total: -7 } },
    ] };
    mergeRepeatedKeys(s);
    expect(s.entries).toEqual([{ key: S, value: { count: 3, average: 1, total: 3 } }]);
  });
  it('keeps repeats of a map without stacks, and says which', () => {
    const ev: MapEvent = { type: 'map', t: 0, name: '@t', snapshot: false, entries: [
      { key: 'a,b,c', value: 1 },
      { key: 'a,b,c', value: 2 },
    ] };
    expect(mergeRepeatedKeys(ev)).toEqual(['a,b,c']);
    expect(ev.entries).toHaveLength(2);
  });
});

describe('exact integers', () => {
  it('adds and compares across the 2^53 boundary', () => {
    expect(addInts(9007199254740991, 2)).toBe('9007199254740993');
    expect(addInts('9007199254740993', -3)).toBe(9007199254740990);
    expect(compareInts('18446744073709551615', '9223372036854775807')).toBe(1);
    expect(compareInts(-1, '-9223372036854775808')).toBe(1);
  });
});
