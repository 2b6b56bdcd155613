import { describe, expect, it } from 'vitest';
import { FilterScan, indexOfLine, logWindow, makeMatcher, selectionText, splitByRanges, type Matcher } from './log-window.js';

const text = (n: number) => `line ${n} ${n % 3 === 0 ? 'fizz' : 'plain'}\n`;
const fetchFrom = (total: number, calls: [number, number][] = []) => async (start: number, count: number) => {
  calls.push([start, count]);
  const out = [];
  for (let i = start; i < Math.min(total, start + count); i++) out.push({ index: i, t: i, text: text(i + 1) });
  return out;
};

describe('logWindow', () => {
  it('follows the tail and shows at most `rows` line numbers, whatever the run length', () => {
    const w = logWindow({ total: 10_000_000, base: 0, hits: null, rows: 5, start: null });
    expect(w.numbers).toEqual([9_999_996, 9_999_997, 9_999_998, 9_999_999, 10_000_000]);
    expect(w.start).toBe(w.maxStart);
    expect(logWindow({ total: 3, base: 0, hits: null, rows: 5, start: null }).numbers).toEqual([1, 2, 3]);
  });
  it('clamps a start past the end, starts after a replay base, and walks the hits when filtering', () => {
    expect(logWindow({ total: 100, base: 0, hits: null, rows: 10, start: 500 }).numbers[0]).toBe(91);
    expect(logWindow({ total: 100, base: 40, hits: null, rows: 3, start: 0 }).numbers).toEqual([41, 42, 43]);
    const hits = [3, 6, 9, 12];
    expect(logWindow({ total: 100, base: 0, hits, rows: 2, start: 1 }).numbers).toEqual([6, 9]);
    expect(indexOfLine({ base: 0, hits }, 7)).toBe(2);
    expect(indexOfLine({ base: 10, hits: null }, 15)).toBe(4);
  });
});

describe('makeMatcher', () => {
  it('text is case-insensitive; a regex finds every match and reports a bad pattern', () => {
    const m = makeMatcher('FIZZ', false) as Matcher;
    expect(m.test('a fizz b')).toBe(true);
    const r = makeMatcher('\\d+', true) as Matcher;
    expect(splitByRanges('a 12 b 345', r.ranges('a 12 b 345'))).toEqual(['a ', '12', ' b ', '345', '']);
    expect(makeMatcher('(', true)).toHaveProperty('error');
    expect((makeMatcher('x*', true) as Matcher).ranges('axxb')).toEqual([[1, 3]]);
  });
  it('a regex\'s $ is the end of the line as shown, before printf\'s newline', () => {
    const r = makeMatcher('^journey 2\\d\\d$', true) as Matcher;
    expect(r.test('journey 201\n')).toBe(true);
    expect(r.test('journey 201')).toBe(true);
    expect(r.test('journey 2011\n')).toBe(false);
    expect(r.ranges('journey 201\n')).toEqual([[0, 11]]);
    // Only the last newline: a line that ends with an empty line still has one to match.
    expect((makeMatcher('a\\n$', true) as Matcher).test('a\n\n')).toBe(true);
  });
});

describe('FilterScan', () => {
  it('scans the whole run through pages, then only the new lines from memory', async () => {
    const calls: [number, number][] = [];
    const scan = new FilterScan(makeMatcher('fizz', false) as Matcher, fetchFrom(12_000, calls), 0, 5000);
    await scan.scanTo(10_000, () => null, () => {});
    expect(scan.hits.length).toBe(3333);
    expect(scan.hits.slice(0, 3)).toEqual([3, 6, 9]);
    expect(calls).toEqual([[0, 5000], [5000, 5000]]);
    // 2,000 more lines arrive and are in memory: no fetch.
    await scan.scanTo(12_000, (n) => (n > 10_000 ? { text: text(n) } : null), () => {});
    expect(calls.length).toBe(2);
    expect(scan.hits.length).toBe(4000);
  });
  it('without a recording, scans what is in memory and says why the rest is not searched', async () => {
    const scan = new FilterScan(makeMatcher('fizz', false) as Matcher, async () => Promise.reject(new Error('no recording')), 0, 100);
    await scan.scanTo(1000, (n) => (n > 900 ? { text: text(n) } : null), () => {});
    expect(scan.error).toBe('no recording');
    expect(scan.hits[0]).toBe(903);
    expect(scan.scanned).toBe(1000);
  });
});

describe('selectionText', () => {
  it('copies the selected lines in order, from memory and the recording, only the matching ones when filtering', async () => {
    const inMemory = (n: number) => (n > 8 ? { text: text(n) } : null);
    const r = await selectionText({ anchor: 10, focus: 5 }, { base: 0, hits: null }, inMemory, fetchFrom(100));
    expect(r.text).toBe([5, 6, 7, 8, 9, 10].map(text).join(''));
    const f = await selectionText({ anchor: 1, focus: 10 }, { base: 0, hits: [3, 6, 9] }, inMemory, fetchFrom(100));
    expect(f.text).toBe('line 3 fizz\nline 6 fizz\nline 9 fizz\n');
    expect(f.lines).toBe(3);
  });
});
