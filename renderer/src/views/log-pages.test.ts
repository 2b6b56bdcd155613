import { describe, expect, it } from 'vitest';
import { findLine, LogPages, MAX_PAGES, PAGE, searchRun, splitMatches } from './log-pages.js';

const fakeFetch = (total: number) => {
  const calls: number[] = [];
  const f = async (start: number, count: number) => {
    calls.push(start);
    const out = [];
    for (let i = start; i < Math.min(total, start + count); i++) out.push({ index: i, t: i, text: `line ${i + 1}${i % 1000 === 0 ? ' needle' : ''}` });
    return out;
  };
  return { f, calls };
};

describe('printf pages', () => {
  it('loads a page on demand and serves it, keeping memory bounded', async () => {
    const { f, calls } = fakeFetch(100_000);
    let loaded = 0;
    const pages = new LogPages(f, () => loaded++);
    expect(pages.get(1234)).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    expect(loaded).toBe(1);
    expect(pages.get(1234)).toEqual({ n: 1234, t: 1233, text: 'line 1234' });
    for (let p = 0; p < MAX_PAGES * 3; p++) pages.get(p * PAGE + 1);
    await new Promise((r) => setTimeout(r, 0));
    expect(pages.size).toBeLessThanOrEqual(MAX_PAGES);
    expect(calls.length).toBe(1 + MAX_PAGES * 3 - 1); // page 2 (of line 1234) was already there
  });

  it('remembers a readLog error (a run without recording) and stops asking', async () => {
    let n = 0;
    const pages = new LogPages(async () => {
      n++;
      throw new Error('this run has no recording');
    }, () => {});
    pages.get(1);
    await new Promise((r) => setTimeout(r, 0));
    pages.get(600);
    expect(n).toBe(1);
    expect(pages.error).toMatch(/no recording/);
  });

  it('finds window lines with gaps and splits matches', () => {
    const lines = [{ n: 1 }, { n: 2 }, { n: 50 }, { n: 51 }];
    expect(findLine(lines, 50)).toEqual({ n: 50 });
    expect(findLine(lines, 3)).toBeNull();
    expect(splitMatches('Open foo and FOO', 'foo')).toEqual(['Open ', 'foo', ' and ', 'FOO', '']);
    expect(splitMatches('x', '')).toEqual(['x']);
  });

  it('searches the whole run through pages', async () => {
    const { f } = fakeFetch(12_345);
    expect(await searchRun(f, 12_345, 'NEEDLE')).toEqual(Array.from({ length: 13 }, (_, i) => i * 1000 + 1));
    expect(await searchRun(f, 12_345, 'needle', 3)).toEqual([1, 1001, 2001]);
  });
});
