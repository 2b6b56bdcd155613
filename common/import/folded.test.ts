import { describe, expect, it } from 'vitest';
import { LiveState } from '../../node/engine/live-state.js';
import { isStackMap, parseStackKey } from '../profile/stacks.js';
import { FoldedStream, foldedStackToKey, parseFolded } from './folded.js';
import { fixture, foldEvent, mapEvents, treeToFolded } from '../../test/support/imports.js';

// Real folded stacks: perf's own stackcollapse.py over a 2 s system profile of this machine
// (scripts/gen-import-fixtures.sh).
const REAL = fixture('perf-script.folded');

function foldedTotals(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const sp = line.lastIndexOf(' ');
    if (sp > 0) m.set(line.slice(0, sp), (m.get(line.slice(0, sp)) ?? 0) + Number(line.slice(sp + 1)));
  }
  return m;
}

describe('folded stacks import', () => {
  it('turns each line into a bpftrace stack key, leaf first, that the engine reads back frame for frame', () => {
    const key = foldedStackToKey('bash;main;read_input;__libc_read');
    expect(key).toBe('\n    __libc_read\n    read_input\n    main\n    bash\n');
    expect(parseStackKey(key).stacks).toEqual([['__libc_read', 'read_input', 'main', 'bash']]);
  });

  it('imports a real stackcollapse file with the same totals per stack when the engine folds it', () => {
    const r = parseFolded(REAL);
    expect(r.problems).toEqual([]);
    const [map] = mapEvents(r.events);
    expect(isStackMap(map.entries)).toBe(true);
    const want = foldedTotals(REAL);
    expect(map.entries.length).toBe(want.size);
    const got = treeToFolded(foldEvent(map));
    expect(got).toEqual(want);
    const total = [...want.values()].reduce((a, b) => a + b, 0);
    // And as a live run would show it: LiveState folds it into a flame graph of that total.
    const live = new LiveState();
    live.apply(r.events);
    const update = live.take();
    expect(update.flames).toHaveLength(1);
    expect(update.flames[0].total).toBe(total);
    expect(update.flames[0].tree.n).toBe('all');
  });

  it('adds up repeated stacks, and reads counts with decimals', () => {
    const r = parseFolded('a;b 2\na;c 1\na;b 3\nx 0.5\n');
    const [map] = mapEvents(r.events);
    expect(Object.fromEntries(map.entries.map((e) => [e.key, e.value]))).toEqual({
      [foldedStackToKey('a;b')]: 5,
      [foldedStackToKey('a;c')]: 1,
      [foldedStackToKey('x')]: 0.5,
    });
  });

  it('reports malformed lines with their numbers and imports the rest', () => {
    const text = ['main;foo 10', 'main;bar', '', 'main;baz twelve', '   7', 'main;foo 5\r', 'garbage-without-count', 'main;qux 2'].join('\n');
    const r = parseFolded(text);
    // "   7" is not a problem: flamegraph.pl reads the stack "  " (one blank frame) with 7 samples.
    expect(r.problems.map((p) => p.line)).toEqual([2, 4, 7]);
    expect(r.problems[0].reason).toMatch(/sample count/);
    expect(r.problems[1].reason).toMatch(/"twelve" is not a sample count/);
    const tree = foldEvent(mapEvents(r.events)[0]);
    expect(treeToFolded(tree)).toEqual(new Map([['main;foo', 15], ['', 7], ['main;qux', 2]]));
    expect(tree.total).toBe(24);
  });

  it('takes the second count of a differential file (as flamegraph.pl draws it), and says so once', () => {
    const r = parseFolded('a;b 3 5\na;c 1 0\n');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 1, reason: expect.stringMatching(/differential/) });
    expect(treeToFolded(foldEvent(mapEvents(r.events)[0]))).toEqual(new Map([['a;b', 5]]));
  });

  it('gives the same result whatever the chunk boundaries (a line cut in two, CRLF split)', () => {
    const text = REAL.replace(/\n/g, '\r\n');
    const whole = parseFolded(REAL);
    for (const size of [1, 7, 64, 1000]) {
      const s = new FoldedStream();
      for (let i = 0; i < text.length; i += size) s.push(text.slice(i, i + size));
      const r = s.end();
      expect(r.problems).toEqual([]);
      expect(mapEvents(r.events)[0].entries).toEqual(mapEvents(whole.events)[0].entries);
    }
  });

  it('makes no map at all from text with no stack in it', () => {
    const r = parseFolded('nothing here\nnor here\n');
    expect(r.events).toEqual([]);
    expect(r.problems).toHaveLength(2);
  });
});
