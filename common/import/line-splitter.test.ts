import { describe, expect, it } from 'vitest';
import { LineSplitter } from './common.js';

function split(chunks: string[]): [string, number][] {
  const out: [string, number][] = [];
  const s = new LineSplitter((t, n) => out.push([t, n]));
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('joins a line spread over many chunks, once, exactly', () => {
    const long = 'x'.repeat(10_000);
    const chunks = ['a\nb'];
    for (let i = 0; i < long.length; i += 7) chunks.push(long.slice(i, i + 7));
    chunks.push('\nc');
    expect(split(chunks)).toEqual([
      ['a', 1],
      ['b' + long, 2],
      ['c', 3],
    ]);
  });

  it('drops the CR of a CRLF even when CR and LF arrive in different chunks; keeps empty lines', () => {
    expect(split(['one\r', '\ntwo\r\n', '\n', 'three\r'])).toEqual([
      ['one', 1],
      ['two', 2],
      ['', 3],
      ['three', 4],
    ]);
    expect(split(['', 'a', '', '\n'])).toEqual([['a', 1]]);
  });
});
