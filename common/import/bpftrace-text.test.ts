import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AggregateEvent, HistEvent, MapEvent, StatsEvent, TraceEvent } from '../contract/index.js';
import { StdoutDecoder } from '../../node/engine/decode-stdout.js';
import { LiveState } from '../../node/engine/live-state.js';
import { isStackMap, parseStackKey } from '../profile/stacks.js';
import { parseBpftraceText, parseValue, resolveBuckets, parseBucketLine, textKeyToKey } from './bpftrace-text.js';
import { fixture, foldEvent, mapEvents, treeToFolded } from '../../test/support/imports.js';

const JSON_FIXTURES = path.resolve(__dirname, '../../test/fixtures/bpftrace-0.17');

const aggregates = (events: readonly TraceEvent[]) => events.filter((e): e is AggregateEvent => e.type === 'map' || e.type === 'hist' || e.type === 'stats');
const byName = (events: readonly TraceEvent[], name: string) => aggregates(events).filter((e) => e.name === name);
const hist = (events: readonly TraceEvent[], name: string) => byName(events, name).find((e): e is HistEvent => e.type === 'hist')!;
const sortEntries = <T extends { key: string | null }>(entries: readonly T[]) => [...entries].sort((a, b) => String(a.key).localeCompare(String(b.key)));
/** "]: N" totals of a text output, for what the import must add up to. */
const printedTotal = (text: string) => [...text.matchAll(/\]: (\d+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);

describe('bpftrace text output: the same events as -f json', () => {
  // The same deterministic scripts ran twice on bpftrace 0.17: once with -f json (the engine's
  // fixtures), once printing to a terminal (scripts/gen-import-fixtures.sh).
  for (const name of ['hist', 'lhist', 'maps', 'stats', 'avg']) {
    it(`${name}: every map, key, value and bucket`, () => {
      const fromText = parseBpftraceText(fixture(`json-twin-${name}.txt`));
      expect(fromText.problems).toEqual([]);
      const dec = new StdoutDecoder();
      const json = fs.readFileSync(path.join(JSON_FIXTURES, `${name}.stdout.ndjson`), 'utf8');
      const fromJson = [...dec.push(json, 0), ...dec.end(0)];
      const want = aggregates(fromJson);
      const got = aggregates(fromText.events);
      expect(got.map((e) => e.name).sort()).toEqual(want.map((e) => e.name).sort());
      for (const w of want) {
        const g = got.find((e) => e.name === w.name)!;
        // avg() prints like a plain map in text (-f json tags it "stats"): the values match.
        if (name !== 'avg') expect(g.type).toBe(w.type);
        expect(sortEntries(g.entries as { key: string | null }[])).toEqual(sortEntries(w.entries as { key: string | null }[]));
      }
      expect(fromText.events.find((e) => e.type === 'attached')).toEqual(fromJson.find((e) => e.type === 'attached'));
    });
  }
});

describe('bpftrace text output from real runs (bpftrace 0.17, this machine)', () => {
  it('a count map and a hist', () => {
    const text = fixture('bpftrace-count-hist.txt');
    const r = parseBpftraceText(text);
    expect(r.problems).toEqual([]);
    const counts = byName(r.events, '@')[0] as MapEvent;
    expect(counts.type).toBe('map');
    expect(counts.entries.length).toBe(text.match(/^@\[/gm)!.length);
    expect(counts.entries.reduce((a, e) => a + (e.value as number), 0)).toBe(printedTotal(text));
    const h = hist(r.events, '@h');
    const bucketLines = text.split('\n').filter((l) => /^[[(]/.test(l));
    expect(h.entries[0].buckets).toHaveLength(bucketLines.length);
    // Buckets are contiguous powers of two, as -f json gives them: [4, 8) → 4..7, [1K, 2K) → 1024..2047.
    const b = h.entries[0].buckets;
    for (let i = 1; i < b.length; i++) if (b[i].min !== undefined && b[i - 1].max !== undefined) expect(b[i].min).toBe(Number(b[i - 1].max!) + 1);
    expect(b.find((x) => x.min === 1024)?.max).toBe(2047);
  });

  it('a kstack map folds into a flame graph of every printed sample, frame for frame', () => {
    const text = fixture('bpftrace-kstack.txt');
    const r = parseBpftraceText(text);
    expect(r.problems).toEqual([]);
    const [m] = mapEvents(r.events);
    expect(isStackMap(m.entries)).toBe(true);
    // The first printed stack, as text lines, is the first key's frames.
    const first = text.slice(text.indexOf('@[\n') + 3, text.indexOf(']:')).split('\n').map((l) => l.trim()).filter(Boolean);
    expect(m.entries[0].key).toBe('\n' + first.map((f) => `    ${f}\n`).join(''));
    expect(parseStackKey(m.entries[0].key!).stacks[0]).toEqual(first);
    const live = new LiveState();
    live.apply(r.events);
    const u = live.take();
    expect(u.flames).toHaveLength(1);
    expect(u.flames[0].total).toBe(printedTotal(text));
    expect(u.maps).toEqual([]);
  });

  it('a [kstack, comm] map groups the flame graph by comm, with the totals printed per comm', () => {
    const text = fixture('bpftrace-kstack-comm.txt');
    const r = parseBpftraceText(text);
    expect(r.problems).toEqual([]);
    const [m] = mapEvents(r.events);
    expect(m.entries.every((e) => /\n,[^\n]+$/.test(e.key!) || /^,/.test(e.key!))).toBe(true);
    const perComm = new Map<string, number>();
    for (const mm of text.matchAll(/^(?:@\[)?, (.+)\]: (\d+)$/gm)) perComm.set(mm[1], (perComm.get(mm[1]) ?? 0) + Number(mm[2]));
    const tree = foldEvent(m);
    const { start, list } = tree.children();
    const got = new Map<string, number>();
    for (let k = start[0]; k < start[1]; k++) got.set(tree.nodeName(list[k]), tree.value[list[k]]);
    expect(got).toEqual(perComm);
  });

  it('lhist, stats, avg, tuple keys, a tuple value and a string value', () => {
    const r = parseBpftraceText(fixture('bpftrace-lhist-stats.txt'));
    expect(r.problems).toEqual([]);
    const lh = hist(r.events, '@lh').entries[0].buckets;
    expect(lh[0]).toEqual({ min: 0, max: 99, count: expect.any(Number) });
    expect(lh[lh.length - 1]).toEqual({ min: 1000, count: expect.any(Number) });
    const st = byName(r.events, '@st')[0] as StatsEvent;
    expect(st.type).toBe('stats');
    const v = st.entries[0].value as { count: number; average: number; total: number };
    expect(Math.abs(v.total - v.count * v.average)).toBeLessThan(v.count); // average is total/count, rounded down
    const files = byName(r.events, '@files')[0] as MapEvent;
    expect(files.entries.every((e) => /^[^,]+,\d+$/.test(e.key!))).toBe(true);
    const tup = byName(r.events, '@tup')[0] as MapEvent;
    expect(tup.entries[0].key).toBeNull();
    expect(tup.entries[0].value).toEqual([expect.any(String), expect.any(Number)]);
    expect(typeof (byName(r.events, '@str')[0] as MapEvent).entries[0].value).toBe('string');
  });

  it('interval prints under time() headers become snapshots at those times; the exit dump is the last', () => {
    const text = fixture('bpftrace-interval.txt');
    const r = parseBpftraceText(text);
    expect(r.problems).toEqual([]);
    const prints = byName(r.events, '@');
    const clocks = text.match(/^\d\d:\d\d:\d\d$/gm)!;
    // One print per interval tick, plus the dump bpftrace makes at exit.
    expect(prints.length).toBe(clocks.length + 1);
    const ts = prints.map((p) => p.t);
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThan(ts[i - 1]);
    expect(ts[1] - ts[0]).toBe(1000);
    expect(byName(r.events, '@lat').every((e) => e.type === 'hist')).toBe(true);
    // Counts only grow between prints (the map is never cleared).
    const bash = prints.map((p) => (p as MapEvent).entries.find((e) => e.key === 'bash')?.value as number | undefined).filter((x) => x !== undefined);
    for (let i = 1; i < bash.length; i++) expect(bash[i]).toBeGreaterThanOrEqual(bash[i - 1]!);
    // The replay shows the last print: the exit dump.
    const live = new LiveState();
    live.apply(r.events);
    expect(live.take().maps.find((m) => m.name === '@')).toBe(prints[prints.length - 1]);
  });

  it('printf lines stay printf lines, in order', () => {
    const text = fixture('bpftrace-printf.txt');
    const r = parseBpftraceText(text);
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('Attaching'));
    expect(r.events.filter((e) => e.type === 'printf').map((e) => (e as { text: string }).text)).toEqual(lines.map((l) => l + '\n'));
  });
});

describe('the seed article\'s lesson outputs', () => {
  it('lesson 4 and 8: count maps', () => {
    for (const n of [4, 8]) {
      const text = fixture(`seed-lesson-${n}.txt`);
      const r = parseBpftraceText(text);
      expect(r.problems).toEqual([]);
      const m = mapEvents(r.events);
      expect(m).toHaveLength(1);
      expect(m[0].entries.reduce((a, e) => a + (e.value as number), 0)).toBe(printedTotal(text));
      expect(r.script).toMatch(/count\(\)/);
    }
    const l8 = mapEvents(parseBpftraceText(fixture('seed-lesson-8.txt')).events)[0];
    expect(l8.entries.find((e) => e.key === 'tracepoint:sched:sched_switch')?.value).toBe(510);
  });

  it('lesson 5: a hist, with the old "[0, 1]" first bucket and a bar cut short', () => {
    const r = parseBpftraceText(fixture('seed-lesson-5.txt'));
    expect(r.problems).toEqual([]);
    expect(r.script).toBe('tracepoint:syscalls:sys_exit_read /pid == 18644/ { @bytes = hist(args->ret); }');
    const b = hist(r.events, '@bytes').entries[0].buckets;
    expect(b[0]).toEqual({ min: 0, max: 1, count: 12 });
    expect(b[1]).toEqual({ min: 2, max: 3, count: 18 });
    expect(b[b.length - 1]).toEqual({ min: 128, max: 255, count: 1 });
    expect(b.reduce((a, x) => a + x.count, 0)).toBe(80);
  });

  it('lesson 6: an lhist with the old "(...,0]" and "[2000,...)" labels', () => {
    const r = parseBpftraceText(fixture('seed-lesson-6.txt'));
    expect(r.problems).toEqual([]);
    const b = hist(r.events, '@bytes').entries[0].buckets;
    expect(b[0]).toEqual({ max: -1, count: 0 });
    expect(b[1]).toEqual({ min: 0, max: 199, count: 66 });
    expect(b[b.length - 1]).toEqual({ min: 2000, count: 39 });
  });

  it('lesson 7: a hist per comm with k/M labels, "[...]" reported', () => {
    const r = parseBpftraceText(fixture('seed-lesson-7.txt'));
    expect(r.problems).toEqual([{ line: 5, reason: expect.stringMatching(/left out/) }]);
    expect(r.script).toContain('@ns[comm] = hist(nsecs - @start[tid])');
    const h = hist(r.events, '@ns');
    expect(h.entries.map((e) => e.key)).toEqual(['snmp-pass']);
    const b = h.entries[0].buckets;
    expect(b.find((x) => x.count === 125)).toEqual({ min: 512, max: 1023, count: 125 });
    expect(b[b.length - 1]).toEqual({ min: 1 << 20, max: (2 << 20) - 1, count: 1 });
  });

  it('lesson 9: a kstack map (frames not indented in the article) → a flame graph', () => {
    const r = parseBpftraceText(fixture('seed-lesson-9.txt'));
    expect(r.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/left out/), expect.stringMatching(/left out/)]);
    const [m] = mapEvents(r.events);
    expect(m.entries).toHaveLength(2);
    const live = new LiveState();
    live.apply(r.events);
    const f = live.take().flames;
    expect(f).toHaveLength(1);
    expect(f[0].total).toBe(12 + 22122);
    expect(treeToFolded(foldEvent(m)).get('secondary_startup_64;start_secondary;cpu_startup_entry;do_idle;cpuidle_enter_state')).toBe(22122);
  });

  it('lesson 10: a kstack map with a repeated frame', () => {
    const r = parseBpftraceText(fixture('seed-lesson-10.txt'));
    const [m] = mapEvents(r.events);
    expect(isStackMap(m.entries)).toBe(true);
    expect(treeToFolded(foldEvent(m)).get('ret_from_fork;kthread;xfsaild;schedule_timeout;schedule;__schedule;__schedule')).toBe(73);
  });

  it('lesson 11: a hist with K labels (powers of two)', () => {
    const r = parseBpftraceText(fixture('seed-lesson-11.txt'));
    expect(r.problems).toEqual([]);
    const b = hist(r.events, '@').entries[0].buckets;
    expect(b.find((x) => x.count === 24)).toEqual({ min: 4096, max: 8191, count: 24 });
    expect(b[b.length - 1]).toEqual({ min: 128 * 1024, max: 256 * 1024 - 1, count: 1 });
    // As a live run would chart it: a histogram in the update's maps, no flame graph.
    const live = new LiveState();
    live.apply(r.events);
    const u = live.take();
    expect(u.maps.map((m) => [m.type, m.name])).toEqual([['hist', '@']]);
    expect(u.flames).toEqual([]);
  });

  it('lessons 2 and 3: printf output', () => {
    const r = parseBpftraceText(fixture('seed-lesson-3.txt'));
    expect(r.events.filter((e) => e.type === 'printf')).toHaveLength(4);
    expect(r.events[0]).toEqual({ type: 'attached', t: 0, probes: 1 });
    expect(parseBpftraceText(fixture('seed-lesson-2.txt')).events.filter((e) => e.type === 'printf')).toEqual([{ type: 'printf', t: 0, text: 'hello world\n' }]);
  });
});

describe('bpftrace text: pieces and bad input', () => {
  it('keys: tuples joined by ",", stacks kept as text, quoted strings unquoted', () => {
    expect(textKeyToKey('bash, 42')).toBe('bash,42');
    expect(textKeyToKey('\n    f+1\n    g+2\n, bash')).toBe('\n    f+1\n    g+2\n,bash');
    expect(textKeyToKey(', sh')).toBe(',sh');
    expect(textKeyToKey('cat, \n    f\n')).toBe('cat,\n    f\n');
    expect(textKeyToKey('"a, b", 1')).toBe('a, b,1');
    expect(textKeyToKey('tracepoint:syscalls:sys_enter_read')).toBe('tracepoint:syscalls:sys_enter_read');
  });

  it('values and buckets', () => {
    expect(parseValue('-5')).toBe(-5);
    expect(parseValue('(1, a, (2, b))')).toEqual([1, 'a', [2, 'b']]);
    expect(parseValue('hello world')).toBe('hello world');
    const raw = ['[0, 1K)     3 |@|', '[1K, 2K)   1 |', '[2K, 3K)  0 |'].map((l) => parseBucketLine(l)!);
    // Linear buckets with K labels are lhist's (K = 1000), not hist's.
    expect(resolveBuckets(raw).map((b) => [b.min, b.max])).toEqual([
      [0, 999],
      [1000, 1999],
      [2000, 2999],
    ]);
  });

  it('reports an unrecognized block with its line numbers and imports the rest', () => {
    const text = [
      'Attaching 1 probe...', // 1
      '@a: 5', // 2
      '[0, 1)    3 |@@@   |', // 3 buckets with no header
      '[1, 2)    4 |@@@@  |', // 4
      '', // 5
      '@stk[', // 6 a key never closed
      '    f1+4', // 7
      '    f2+9', // 8
      '@b[x]: 7', // 9
      '@h:', // 10 a header with nothing under it
      'plain printf text', // 11
      '@@@ what', // 12
    ].join('\n');
    const r = parseBpftraceText(text);
    expect(r.problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^lines 3–4: histogram buckets with no "@name:" line/) },
      { line: 6, reason: expect.stringMatching(/^lines 6–8: the key of @stk/) },
      { line: 10, reason: expect.stringMatching(/@h: printed with no value/) },
      { line: 12, reason: expect.stringMatching(/not a map line/) },
    ]);
    expect(aggregates(r.events).map((e) => [e.name, e.entries])).toEqual([
      ['@a', [{ key: null, value: 5 }]],
      ['@b', [{ key: 'x', value: 7 }]],
    ]);
    expect(r.events.filter((e) => e.type === 'printf')).toEqual([
      { type: 'printf', t: 0, text: 'plain printf text\n' },
      { type: 'printf', t: 0, text: '@@@ what\n' },
    ]);
  });

  it('prints of the same map without time() headers are a second apart; ^C on the map line is dropped', () => {
    const r = parseBpftraceText('^C@[a]: 1\n@[b]: 2\n\n@[a]: 3\n@[b]: 4\n\n@x: 1\n@x: 2\n');
    const prints = byName(r.events, '@') as MapEvent[];
    expect(prints.map((p) => [p.t, p.entries.length])).toEqual([
      [0, 2],
      [1000, 2],
    ]);
    expect(byName(r.events, '@x').map((e) => e.t)).toEqual([1000, 2000]);
  });

  it('bpftrace errors and warnings in the paste become error and warning events', () => {
    const r = parseBpftraceText('ERROR: Unknown error -1: couldn\'t set RLIMIT_MEMLOCK\nWARNING: something\nstdin:1:1-6: ERROR: Unknown function: foo\n');
    expect(r.events.map((e) => e.type)).toEqual(['error', 'warning', 'error']);
    expect(r.events[2]).toMatchObject({ message: 'Unknown function: foo' });
  });
});

describe('bpftrace text: a stack printed twice within one print is summed, not a new print', () => {
  it('a real ustack map of two processes with the same comm keeps every sample', () => {
    // scripts/gen-import-fixtures.sh: two busy bash copies named kscope-busy, @[ustack(2), comm]
    // and @total = count() over the same samples, printed at exit by bpftrace 0.17.
    const text = fixture('bpftrace-ustack-dup.txt');
    const keys = [...text.matchAll(/^@\[\n([\s\S]*?)\]: \d+$/gm)].map((m) => m[1]);
    expect(new Set(keys).size).toBeLessThan(keys.length); // the fixture really repeats keys
    const r = parseBpftraceText(text);
    expect(r.problems).toEqual([]);
    const stacks = mapEvents(r.events).filter((e) => e.name === '@');
    expect(stacks).toHaveLength(1); // one print, not one per repeated key
    const total = mapEvents(r.events).find((e) => e.name === '@total')!.entries[0].value as number;
    expect(stacks[0].entries.reduce((s, e) => s + (e.value as number), 0)).toBe(total);
    expect(printedTotal(text)).toBe(total);
    expect(new Set(stacks[0].entries.map((e) => e.key)).size).toBe(stacks[0].entries.length);
  });

  it('a repeated key whose value drops starts a new print (interval print(@) with nothing between)', () => {
    const text = ['@[', '    f+1', ', a]: 2', '@[', '    g+1', ', a]: 5', '@[', '    f+1', ', a]: 3', '@[', '    g+1', ', a]: 9', ''].join('\n');
    const stacks = mapEvents(parseBpftraceText(text).events);
    expect(stacks.map((e) => e.entries.map((x) => x.value))).toEqual([
      [2, 5],
      [3, 9],
    ]);
    const same = ['@[', '    f+1', ', a]: 2', '@[', '    g+1', ', a]: 5', '@[', '    f+1', ', a]: 7', ''].join('\n');
    expect(mapEvents(parseBpftraceText(same).events).map((e) => e.entries.map((x) => x.value))).toEqual([[9, 5]]);
  });
});
