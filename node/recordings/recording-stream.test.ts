import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../common/contract/index.js';
import { parseRecording, RecordingFormatError } from './writer.js';
import { eachEntry, firstEntries, readRecordingHeader, scanRecording } from './recording-stream.js';
import { REC_A, REC_B, tmpDir, writeRecording } from '../../test/support/exports.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function lastPrints(events: readonly TraceEvent[]): Map<string, TraceEvent> {
  const m = new Map<string, TraceEvent>();
  for (const e of events) if (e.type === 'map' || e.type === 'hist' || e.type === 'stats') m.set(e.name, e);
  return m;
}

describe('scanRecording', () => {
  it.each([REC_A, REC_B])('keeps the last print of every map, as parseRecording reads them (%s)', async (rec) => {
    const parsed = parseRecording(fs.readFileSync(rec, 'utf8'));
    const scan = await scanRecording(rec);
    const want = lastPrints(parsed.events);
    expect([...scan.last.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, ev] of want) expect(scan.last.get(name)).toEqual(ev);
    expect(scan.events).toBe(parsed.events.length);
    expect(scan.header).toEqual(parsed.header);
    expect(scan.torn).toBe(false);
    expect(scan.invalidCount).toBe(0);
    expect(scan.lastT).toBe(Math.max(...parsed.events.map((e) => e.t)));
  });

  it('gives every event in order to onEvent', async () => {
    const parsed = parseRecording(fs.readFileSync(REC_B, 'utf8'));
    const seen: TraceEvent[] = [];
    await scanRecording(REC_B, { onEvent: (e) => seen.push(e) });
    expect(seen).toEqual(parsed.events);
  });

  it('tolerates a torn last line: what was written is read', async () => {
    const text = fs.readFileSync(REC_B, 'utf8');
    // Cut inside the last @stacks print (the final, biggest line).
    const lastStacks = text.lastIndexOf('{"type":"map","t":');
    const cut = text.slice(0, lastStacks + 200);
    const file = path.join(dir, 'torn.ndjson');
    fs.writeFileSync(file, cut);
    const scan = await scanRecording(file);
    const parsed = parseRecording(cut);
    expect(scan.torn).toBe(true);
    expect(parsed.torn).toBe(true);
    expect(scan.events).toBe(parsed.events.length);
    for (const [name, ev] of lastPrints(parsed.events)) expect(scan.last.get(name)).toEqual(ev);
  });

  it('reads a last line without its newline when it is complete', async () => {
    const text = fs.readFileSync(REC_A, 'utf8').replace(/\n$/, '');
    const file = path.join(dir, 'no-final-newline.ndjson');
    fs.writeFileSync(file, text);
    const scan = await scanRecording(file);
    expect(scan.torn).toBe(false);
    expect(scan.events).toBe(parseRecording(text).events.length);
  });

  it('refuses a future format with the same message as parseRecording', async () => {
    const text = fs.readFileSync(REC_A, 'utf8').replace('"format":1', '"format":99');
    const file = path.join(dir, 'future.ndjson');
    fs.writeFileSync(file, text);
    let expected = '';
    try {
      parseRecording(text);
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toMatch(/recording format 99 is newer than this kscope understands/);
    await expect(scanRecording(file)).rejects.toThrow(RecordingFormatError);
    await expect(scanRecording(file)).rejects.toThrow(expected);
    await expect(readRecordingHeader(file)).rejects.toThrow(expected);
  });

  it('refuses files that are not recordings', async () => {
    const notJson = path.join(dir, 'not-json.ndjson');
    fs.writeFileSync(notJson, 'hello\nworld\n');
    await expect(scanRecording(notJson)).rejects.toThrow('not a kscope recording: the first line is not JSON');
    const noHeader = path.join(dir, 'no-header.ndjson');
    fs.writeFileSync(noHeader, '{"type":"printf","t":1,"text":"x"}\n');
    await expect(scanRecording(noHeader)).rejects.toThrow('not a kscope recording: the first line is not a header');
    const empty = path.join(dir, 'empty.ndjson');
    fs.writeFileSync(empty, '');
    await expect(scanRecording(empty)).rejects.toThrow('empty recording');
  });

  it('counts invalid lines with their numbers, including a corrupt last print of a map', async () => {
    const lines = fs.readFileSync(REC_A, 'utf8').trimEnd().split('\n');
    const lastCpu = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('{"type":"map","t":') && l.includes('"name":"@cpu"')).pop()![1];
    const corrupt = lines.slice();
    corrupt[lastCpu] = corrupt[lastCpu].replace('"entries":[', '"entries":[[');
    corrupt.splice(2, 0, 'garbage line', '{"type":"nope","t":1}');
    const file = path.join(dir, 'invalid.ndjson');
    fs.writeFileSync(file, corrupt.join('\n') + '\n');
    const scan = await scanRecording(file);
    expect(scan.invalid.slice(0, 2)).toEqual([
      { line: 3, reason: 'not JSON' },
      { line: 4, reason: 'not a known event' },
    ]);
    expect(scan.invalidCount).toBe(3);
    expect(scan.invalid[2].line).toBe(lastCpu + 3);
    // Superseded prints are skipped unparsed, so a corrupt final print leaves the map out (reported) rather than wrong.
    expect(scan.last.has('@cpu')).toBe(false);
  });
});

describe('prints that span the 1 MB reads', () => {
  // Map prints of ~1.3 MB with printf lines of varying length between them, so prints start
  // at every kind of place in a read: well inside, and in the last bytes before its end (the
  // head that identifies a print is then split across two reads).
  const bigPrint = (t: number, n: number) => ({ type: 'map' as const, t, name: t % 2 ? '@odd' : '@even', entries: Array.from({ length: n }, (_, i) => ({ key: `\n    frame_${i}_${t}+${i}\n    caller_${i % 97}+1\n`, value: i + t })), snapshot: true });
  const events = (pad: number): TraceEvent[] => {
    const out: TraceEvent[] = [];
    for (let t = 1; t <= 6; t++) {
      out.push({ type: 'printf', t, text: 'x'.repeat((pad * t * 37) % 1500) });
      out.push(bigPrint(t, 20_000 + t * 11));
    }
    out.push({ type: 'exit', t: 7, code: 0, signal: null });
    return out;
  };

  /** The events with the printf before @odd's last print (t=5) padded so that print starts `before` bytes before a read's end. */
  const placed = (before: number): TraceEvent[] => {
    const ev = events(0);
    const headerBytes = Buffer.byteLength(fs.readFileSync(REC_A, 'utf8').split('\n')[0]) + 1;
    const at = ev.slice(0, 9).reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)) + 1, headerBytes);
    const MB = 1 << 20;
    (ev[8] as { text: string }).text = 'x'.repeat((((MB - before - at) % MB) + MB) % MB);
    return ev;
  };

  it.each([0, 1, 300, 1023, 1024, 1025])('a print starting %i bytes before a read ends is kept whole', async (before) => {
    const rec = writeRecording(path.join(dir, `placed-${before}.ndjson`), REC_A, placed(before));
    const text = fs.readFileSync(rec, 'utf8');
    expect((1 << 20) - (text.indexOf('{"type":"map","t":5,') % (1 << 20))).toBe(before === 0 ? 1 << 20 : before);
    const parsed = parseRecording(text);
    const scan = await scanRecording(rec);
    expect(scan.invalidCount).toBe(0);
    for (const [name, ev] of lastPrints(parsed.events)) expect(scan.last.get(name)).toEqual(ev);
  });

  it.each([0, 1, 5, 13])('keeps the same last prints as a full parse (padding %i)', async (pad) => {
    const rec = writeRecording(path.join(dir, `span-${pad}.ndjson`), REC_A, events(pad));
    const text = fs.readFileSync(rec, 'utf8');
    const parsed = parseRecording(text);
    for (const lazyMaps of [false, true]) {
      const scan = await scanRecording(rec, { lazyMaps });
      expect(scan.events).toBe(parsed.events.length);
      expect(scan.invalidCount).toBe(0);
      for (const [name, ev] of lastPrints(parsed.events)) expect(scan.last.get(name)).toEqual(ev);
    }
  });

  it('a big print last in the file without its newline: read when complete, torn when cut', async () => {
    const all = events(3).slice(0, -1);
    const rec = writeRecording(path.join(dir, 'span-last.ndjson'), REC_A, all);
    const text = fs.readFileSync(rec, 'utf8').replace(/\n$/, '');
    fs.writeFileSync(rec, text);
    const whole = await scanRecording(rec);
    expect(whole.torn).toBe(false);
    expect(whole.last.get('@even')).toEqual(all[all.length - 1]);
    fs.writeFileSync(rec, text.slice(0, text.length - 5000));
    const cut = await scanRecording(rec);
    expect(cut.torn).toBe(true);
    expect(cut.last.get('@even')).toEqual(all[all.length - 5]); // the print before the cut one
  });
});

describe('lazy map prints', () => {
  it('reads the same entries one at a time as a full parse gives', async () => {
    const parsed = parseRecording(fs.readFileSync(REC_B, 'utf8'));
    const want = lastPrints(parsed.events);
    const scan = await scanRecording(REC_B, { lazyMaps: true });
    for (const [name, ev] of want) {
      const got = scan.last.get(name)!;
      expect([...eachEntry(got)]).toEqual((ev as { entries: unknown[] }).entries);
      expect(firstEntries(got, 2)).toEqual((ev as { entries: unknown[] }).entries.slice(0, 2));
      expect(got).toEqual(ev); // entries parsed on first access
    }
  });

  it('copes with keys holding quotes, backslashes, braces and brackets, and non-ASCII', async () => {
    const keys = ['a"b', 'c\\"d', '{x}', '[y]', '\\', 'é ü 漢', '"}],"snapshot":true}'];
    const ev = (t: number) => ({ type: 'map' as const, t, name: '@odd', entries: keys.map((key, i) => ({ key, value: i + t })), snapshot: t < 2 });
    const rec = writeRecording(path.join(dir, 'odd-keys.ndjson'), REC_A, [ev(1), ev(2), { type: 'exit', t: 3, code: 0, signal: null }]);
    const scan = await scanRecording(rec, { lazyMaps: true });
    expect([...eachEntry(scan.last.get('@odd')!)]).toEqual(ev(2).entries);
    expect(scan.last.get('@odd')).toEqual(ev(2));
  });

  it('a corrupt entry in a raw print is a clear error when read', async () => {
    const good = { type: 'map' as const, t: 1, name: '@m', entries: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }], snapshot: false };
    const rec = writeRecording(path.join(dir, 'corrupt-entry.ndjson'), REC_A, [good, { type: 'exit', t: 3, code: 0, signal: null }]);
    const text = fs.readFileSync(rec, 'utf8').replace('{"key":"b","value":2}', '{"key":7,"value":2}');
    fs.writeFileSync(rec, text);
    const scan = await scanRecording(rec, { lazyMaps: true });
    expect(() => [...eachEntry(scan.last.get('@m')!)]).toThrow(/line 2: the print of @m is corrupt \(entry 2\)/);
  });
});
