import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceEvent, type HistEvent, type MapEvent, type StatsEvent } from '../../common/contract/index.js';
import { StdoutDecoder, decodeLine, newDecodeState } from './decode-stdout.js';

const FIX = path.resolve(__dirname, '../../test/fixtures');
const read = (rel: string) => fs.readFileSync(path.join(FIX, rel), 'utf8');

/** Decode a whole text through the streaming decoder in small chunks (lines get split). */
function decode(text: string, fence: string | null = null, chunk = 7): TraceEvent[] {
  const d = new StdoutDecoder({ fence });
  const out: TraceEvent[] = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...d.push(text.slice(i, i + chunk), i));
  out.push(...d.end(text.length));
  for (const ev of out) expect(() => TraceEvent.parse(ev)).not.toThrow();
  return out;
}
const v17 = (name: string, fence: string | null = null) => decode(read(`bpftrace-0.17/${name}.stdout.ndjson`), fence);
const byName = <T extends { name: string }>(evs: TraceEvent[], type: string, name: string) =>
  evs.filter((e) => e.type === type && (e as unknown as T).name === name) as unknown as T[];

describe('StdoutDecoder on bpftrace 0.17 fixtures', () => {
  it('printf: text with escapes, no blank-line events, attached count', () => {
    const evs = v17('printf');
    expect(evs[0]).toEqual({ type: 'attached', t: expect.any(Number), probes: 1 });
    expect(evs.filter((e) => e.type === 'printf').map((e) => (e as { text: string }).text)).toEqual([
      'hi "q"\n',
      'tab\there 42\n',
      'no newline',
      '\n',
    ]);
    expect(evs).toHaveLength(5);
  });

  it('time, cat and system() output become printf text', () => {
    const [time] = v17('time').filter((e) => e.type === 'printf');
    expect((time as { text: string }).text).toMatch(/^\d\d:\d\d:\d\d\n$/);
    expect(v17('cat').find((e) => e.type === 'printf')).toMatchObject({ text: 'Linux\n' });
    expect(v17('system').find((e) => e.type === 'printf')).toMatchObject({ text: 'plain text from system\n' });
  });

  it('value: tuples, numbers, strings', () => {
    expect(v17('value').filter((e) => e.type === 'value').map((e) => (e as { value: unknown }).value)).toEqual([[1, 'a'], 123, 'str']);
  });

  it('maps: scalar (null key), tuple key joined by commas, string value, sums/min/max', () => {
    const evs = v17('maps');
    const get = (n: string) => byName<MapEvent>(evs, 'map', n)[0];
    expect(get('@c').entries).toEqual([{ key: null, value: 1 }]);
    expect(get('@k').entries).toEqual([{ key: 'bpftrace,2', value: 1 }]);
    expect(get('@kk').entries).toEqual([
      { key: '1', value: 10 },
      { key: '2', value: 21 },
    ]);
    expect(get('@str').entries).toEqual([{ key: null, value: 's' }]);
    expect(get('@s').entries).toEqual([{ key: null, value: 11 }]);
    expect(get('@mn').entries[0].value).toBe(1);
    expect(get('@mx').entries[0].value).toBe(9);
    expect(evs.filter((e) => e.type === 'map').every((e) => (e as MapEvent).snapshot === false)).toBe(true);
  });

  it('hist: log2 buckets, keyed underflow bucket has no min', () => {
    const evs = v17('hist');
    const h = byName<HistEvent>(evs, 'hist', '@h')[0];
    expect(h.entries).toHaveLength(1);
    expect(h.entries[0].key).toBeNull();
    const b = h.entries[0].buckets;
    expect(b[0]).toEqual({ min: 0, max: 0, count: 1 });
    expect(b.find((x) => x.min === 64)).toEqual({ min: 64, max: 127, count: 1 });
    expect(b[b.length - 1]).toEqual({ min: 512, max: 1023, count: 1 });
    expect(b.reduce((s, x) => s + x.count, 0)).toBe(3);
    const hk = byName<HistEvent>(evs, 'hist', '@hk')[0];
    expect(hk.entries).toEqual([
      { key: 'x', buckets: [{ max: -1, count: 1 }] },
      { key: 'y', buckets: [{ min: 4, max: 7, count: 1 }] },
    ]);
  });

  it('lhist: underflow without min, overflow without max', () => {
    const evs = v17('lhist');
    const lh = byName<HistEvent>(evs, 'hist', '@lh')[0].entries[0].buckets;
    expect(lh[0]).toEqual({ max: -1, count: 1 });
    expect(lh[lh.length - 1]).toEqual({ min: 100, count: 1 });
    expect(lh.find((x) => x.min === 50)).toEqual({ min: 50, max: 59, count: 1 });
    expect(lh).toHaveLength(12);
    const lhk = byName<HistEvent>(evs, 'hist', '@lhk')[0].entries;
    expect(lhk).toEqual([
      { key: 'a', buckets: [{ min: 0, max: 9, count: 1 }] },
      { key: 'b', buckets: [{ min: 30, count: 1 }] },
    ]);
  });

  it('avg maps are stats events with plain numbers; stats() gives {count, average, total}', () => {
    const avg = v17('avg');
    expect(byName<StatsEvent>(avg, 'stats', '@a')[0].entries).toEqual([{ key: null, value: 5 }]);
    expect(byName<StatsEvent>(avg, 'stats', '@ak')[0].entries).toEqual([
      { key: 'y', value: 3 },
      { key: 'x', value: 10 },
    ]);
    const st = v17('stats');
    expect(byName<StatsEvent>(st, 'stats', '@st')[0].entries).toEqual([{ key: null, value: { count: 2, average: 15, total: 30 } }]);
    expect(byName<StatsEvent>(st, 'stats', '@stk')[0].entries).toEqual([{ key: 'a,1', value: { count: 1, average: 7, total: 7 } }]);
  });

  it('kstack keys stay raw multi-line strings ending in ,comm', () => {
    const m = byName<MapEvent>(v17('kstack'), 'map', '@')[0];
    expect(m.entries.length).toBeGreaterThan(0);
    for (const e of m.entries) {
      // A sample with no kernel stack (a user-space tick) prints an empty stack: ",comm".
      if (!e.key!.startsWith(',')) expect(e.key).toMatch(/^\n {4}\S+/);
      expect(e.key).toMatch(/(^|\n),[^\n]+$/);
      expect(typeof e.value).toBe('number');
    }
  });

  it('snapshot fences: markers hidden, snapshot=true inside, false for the final dump', () => {
    const fence = fs.readFileSync(path.join(FIX, 'bpftrace-0.17/VERSION.txt'), 'utf8').match(/snapshot fence (\w+)/)![1];
    const evs = v17('snapshot', fence);
    const printfs = evs.filter((e) => e.type === 'printf') as Array<{ text: string }>;
    expect(printfs.length).toBeGreaterThan(0);
    expect(printfs.every((p) => p.text === 'user line\n')).toBe(true);
    const aggs = evs.filter((e) => e.type === 'map' || e.type === 'hist') as Array<MapEvent | HistEvent>;
    const snaps = aggs.filter((e) => e.snapshot);
    expect(snaps.length).toBeGreaterThanOrEqual(4); // 1.1 s at 200 ms: several snapshots of 2 maps
    expect(aggs.slice(-2).map((e) => [e.name, e.snapshot])).toEqual([
      ['@', false],
      ['@lat', false],
    ]);
    // Without the fence, the markers are ordinary printf text and nothing is a snapshot.
    const plain = v17('snapshot');
    expect(plain.some((e) => e.type === 'printf' && e.text.includes(`__kscope_snap_${fence}_begin__`))).toBe(true);
    expect(plain.some((e) => (e.type === 'map' || e.type === 'hist') && e.snapshot)).toBe(false);
  });

  it('decodes every 0.17 fixture without warnings (all shapes understood)', () => {
    for (const f of fs.readdirSync(path.join(FIX, 'bpftrace-0.17')).filter((f) => f.endsWith('.stdout.ndjson'))) {
      const evs = decode(read(`bpftrace-0.17/${f}`), null, 4096);
      // Except the note on tuple keys that print alike (decode-versions.test.ts).
      if (f !== 'dup-tuple-keys.stdout.ndjson') expect(evs.filter((e) => e.type === 'warning'), f).toEqual([]);
    }
  });
});

describe('StdoutDecoder on real bpftrace 0.27 output (0.24+ shapes)', () => {
  const v27 = (name: string) => decode(read(`bpftrace-0.27/${name}.stdout.ndjson`));
  const newer = v27('newer-records');

  it('attached/lost with count beside data', () => {
    expect(v27('printf')[0]).toEqual({ type: 'attached', t: expect.any(Number), probes: 1 });
    const lost = v27('lost').filter((e) => e.type === 'lost');
    expect(lost.length).toBeGreaterThan(0);
    for (const e of lost) expect((e as { events: number }).events).toBeGreaterThan(0);
    expect(decodeLine('{"type":"lost_events", "count":5}', 0)).toEqual({ type: 'lost', t: 0, events: 5 });
    expect(decodeLine('{"type":"attached_probes", "count":3}', 0)).toEqual({ type: 'attached', t: 0, probes: 3 });
  });

  it('printf-like records: printf, time, cat, syscall (system)', () => {
    expect(v27('printf').filter((e) => e.type === 'printf').map((e) => (e as { text: string }).text)).toEqual(['hi "q"\n', 'tab\there 42\n', 'no newline', '\n']);
    expect(v27('time').find((e) => e.type === 'printf')).toMatchObject({ text: expect.stringMatching(/^\d\d:\d\d:\d\d\n$/) });
    expect(v27('cat').find((e) => e.type === 'printf')).toMatchObject({ text: 'Linux\n' });
    expect(v27('system').find((e) => e.type === 'printf')).toMatchObject({ text: 'plain text from system\n' });
  });

  it('values keep tuples as arrays', () => {
    expect(v27('value').filter((e) => e.type === 'value').map((e) => (e as { value: unknown }).value)).toEqual([[1, 'a'], 123, 'str']);
  });

  it('errorf, runtime_error → error; warnf → warning, with line and column', () => {
    expect(newer.filter((e) => e.type === 'error')).toEqual([
      { type: 'error', t: expect.any(Number), message: 'bad value 7', line: 1, column: 48 },
      { type: 'error', t: expect.any(Number), message: expect.stringMatching(/^Divide or modulo by 0 detected/), line: 1, column: 121 },
    ]);
    expect(newer.filter((e) => e.type === 'warning')).toEqual([{ type: 'warning', t: expect.any(Number), message: 'suspicious value 3', line: 1, column: 75 }]);
    const st = newDecodeState();
    expect(decodeLine('{"type": "helper_error", "msg": "Bad address", "helper": "probe_read", "retcode": -14, "line": 1, "col": 37}', 0, st)).toEqual({
      type: 'error',
      t: 0,
      message: 'probe_read: Bad address (-14)',
      line: 1,
      column: 37,
    });
  });

  it('unknown types give one warning and a raw value, never a crash', () => {
    const st = newDecodeState();
    const evs = ['{"type": "zzz", "data": 1}', '{"type": "zzz"}'].flatMap((l) => {
      const out: TraceEvent[] = [];
      const e = decodeLine(l, 0, st);
      if (e) out.push(e);
      return out;
    });
    expect(evs.map((e) => e.type)).toEqual(['warning', 'value']); // second: warned once already
    expect(decodeLine('{"type": "zzz", "data": 1}', 0)).toMatchObject({ type: 'warning', message: expect.stringContaining('zzz') });
  });

  it('maps: scalar, string, tuple key, keyed', () => {
    const maps = v27('maps');
    const get = (n: string) => byName<MapEvent>(maps, 'map', n)[0].entries;
    expect(get('@c')).toEqual([{ key: null, value: 1 }]);
    expect(get('@str')).toEqual([{ key: null, value: 's' }]);
    expect(get('@k')).toEqual([{ key: 'bpftrace,2', value: 1 }]);
    expect(get('@kk')).toEqual([
      { key: '1', value: 10 },
      { key: '2', value: 21 },
    ]);
  });

  it('hist, lhist, stats and avg shapes', () => {
    const hk = byName<HistEvent>(v27('hist'), 'hist', '@hk')[0];
    expect(hk.entries).toEqual([
      { key: 'x', buckets: [{ max: -1, count: 1 }] },
      { key: 'y', buckets: [{ min: 4, max: 7, count: 1 }] },
    ]);
    const lh = byName<HistEvent>(v27('lhist'), 'hist', '@lh')[0].entries[0].buckets;
    expect(lh[lh.length - 1]).toEqual({ min: 100, count: 1 });
    expect(byName<StatsEvent>(v27('stats'), 'stats', '@st')[0].entries).toEqual([{ key: null, value: { count: 2, average: 15, total: 30 } }]);
    expect(byName<StatsEvent>(v27('stats'), 'stats', '@stk')[0].entries).toEqual([{ key: 'a,1', value: { count: 1, average: 7, total: 7 } }]);
    expect(byName<StatsEvent>(v27('avg'), 'stats', '@ak')[0].entries).toEqual([
      { key: 'y', value: 3 },
      { key: 'x', value: 10 },
    ]);
  });

  it('tseries become map events whose values are the series', () => {
    const ts = byName<MapEvent>(newer, 'map', '@ts')[0];
    expect(ts.entries).toEqual([{ key: null, value: [{ interval_start: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}$/), value: 5 }] }]);
    expect(byName<MapEvent>(newer, 'map', '@tk')[0].entries.map((e) => e.key)).toEqual(['one', 'two']);
    expect(newer.some((e) => e.type === 'warning' && /understand/.test(e.message))).toBe(false);
  });
});

describe('decodeLine edge cases', () => {
  it('non-JSON stdout text is printf text; blank lines are skipped', () => {
    expect(decodeLine('plain text from system()', 3)).toEqual({ type: 'printf', t: 3, text: 'plain text from system()\n' });
    expect(decodeLine('{not json', 0)).toEqual({ type: 'printf', t: 0, text: '{not json\n' });
    expect(decodeLine('', 0)).toBeNull();
    expect(decodeLine('   ', 0)).toBeNull();
    expect(decodeLine('[1,2]', 0)).toEqual({ type: 'printf', t: 0, text: '[1,2]\n' });
  });

  it('the printf fast path is not fooled by extra fields', () => {
    expect(decodeLine('{"type": "printf", "data": "a", "x": "b"}', 0)).toEqual({ type: 'printf', t: 0, text: 'a' });
    expect(decodeLine('{"type": "printf", "data": "a\\"}", "x": 1}', 0)).toEqual({ type: 'printf', t: 0, text: 'a"}' });
    expect(decodeLine('{"type":"printf","data":"compact"}\r', 0)).toEqual({ type: 'printf', t: 0, text: 'compact' });
  });

  it('a user printf that looks like another fence is plain text', () => {
    const st = newDecodeState('abcdefabcdef');
    expect(decodeLine('{"type": "printf", "data": "__kscope_snap_000000000000_begin__\\n"}', 0, st)).toMatchObject({ type: 'printf' });
    expect(st.inSnapshot).toBe(false);
    expect(decodeLine('{"type": "printf", "data": "__kscope_snap_abcdefabcdef_begin__\\n"}', 0, st)).toBeNull();
    expect(st.inSnapshot).toBe(true);
  });

  it('a snapshot cut short (no end marker) does not mark the final dump as a snapshot', () => {
    const d = new StdoutDecoder({ fence: 'abcdefabcdef' });
    const evs = d.push(
      [
        '{"type": "printf", "data": "__kscope_snap_abcdefabcdef_begin__\\n"}',
        '{"type": "map", "data": {"@a": 1}}',
        // bpftrace 0.17/0.23 write two blank lines before the exit dump (see print-plan.ts).
        '',
        '',
        '{"type": "map", "data": {"@a": 2}}',
        '',
      ].join('\n'),
      0,
    );
    expect(evs.map((e) => (e as MapEvent).snapshot)).toEqual([true, false]);
  });

  it('end() decodes a trailing partial line', () => {
    const d = new StdoutDecoder();
    expect(d.push('{"type": "printf", "data": "x"}\n{"type": "value", "da', 1)).toHaveLength(1);
    expect(d.push('ta": 5}', 2)).toHaveLength(0);
    expect(d.end(3)).toEqual([{ type: 'value', t: 3, value: 5 }]);
    expect(d.end(4)).toEqual([]);
  });
});
