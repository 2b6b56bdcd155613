// chrome-trace (a zod schema written from the Trace Event Format spec), csv (an RFC 4180
// reader) and json exports of real recordings, checked against parseRecording's events.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AggregateEvent, TraceEvent } from '../../common/contract/index.js';
import { parseRecording } from '../recordings/writer.js';
import { TOP_KEYS } from './chrome-trace.js';
import { CSV_COLUMNS, csvField } from './csv.js';
import { ExportError, exportRecording } from './index.js';
import { collector, lastStackMap, oracleFolded, REC_A, REC_B, tmpDir, writeRecording } from '../../test/support/exports.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Trace Event Format (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU):
// JSON Object Format {traceEvents, displayTimeUnit?, otherData?}; every event has name, ph, ts
// (µs), pid, tid; instant events ('i'/'I') a scope s ∈ g|p|t; counter events ('C') numeric args
// series; metadata events ('M') one of the named kinds with args.name / sort_index.
const Base = z.object({ name: z.string(), cat: z.string().optional(), ts: z.number().nonnegative(), pid: z.number().int(), tid: z.number().int() });
const Instant = Base.extend({ ph: z.enum(['i', 'I']), s: z.enum(['g', 'p', 't']).optional(), args: z.record(z.string(), z.unknown()).optional() });
const Counter = Base.extend({ ph: z.literal('C'), args: z.record(z.string(), z.number()) });
const Metadata = Base.extend({
  ph: z.literal('M'),
  name: z.enum(['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index']),
  args: z.union([z.object({ name: z.string() }), z.object({ labels: z.string() }), z.object({ sort_index: z.number() })]),
});
// Sampled stacks (the spec's "Stack frames" and "Samples" sections): frames by id with a
// parent id; samples at a ts on a thread, naming their leaf frame `sf`, with a `weight`.
const StackFrame = z.object({ name: z.string(), category: z.string(), parent: z.string().optional() }).strict();
const SampleEvent = z.object({ name: z.string(), pid: z.number().int(), tid: z.number().int(), ts: z.number().nonnegative(), weight: z.number(), sf: z.string().optional() }).strict();
const TraceFile = z.object({
  traceEvents: z.array(z.discriminatedUnion('ph', [Instant, Counter, Metadata])),
  stackFrames: z.record(z.string(), StackFrame).optional(),
  samples: z.array(SampleEvent).optional(),
  displayTimeUnit: z.enum(['ms', 'ns']).optional(),
  otherData: z.record(z.string(), z.unknown()).optional(),
});

const eventsOf = (rec: string) => parseRecording(fs.readFileSync(rec, 'utf8')).events;
const aggs = (events: readonly TraceEvent[]) => events.filter((e): e is AggregateEvent => e.type === 'map' || e.type === 'hist' || e.type === 'stats');

async function exportText(rec: string, format: 'chrome-trace' | 'csv' | 'json', map?: string) {
  const c = collector();
  const r = await exportRecording(rec, format, c.stream, { map });
  return { ...r, text: c.text(), bytes: c.bytes() };
}

describe('chrome-trace', () => {
  it.each([REC_A, REC_B])('is a valid Trace Event file with every printf, map print and run event (%s)', async (rec) => {
    const events = eventsOf(rec);
    const { text } = await exportText(rec, 'chrome-trace');
    const doc = TraceFile.parse(JSON.parse(text));
    const te = doc.traceEvents;
    const printfs = events.filter((e) => e.type === 'printf');
    const gotPrintf = te.filter((e) => e.cat === 'printf');
    expect(gotPrintf.map((e) => [e.ts, (e as { args?: { text?: string } }).args?.text])).toEqual(printfs.map((e) => [e.t * 1000, e.text]));
    // One counter event per map print, at its time in µs.
    const counters = te.filter((e): e is z.infer<typeof Counter> => e.ph === 'C');
    expect(counters.map((c) => [c.name, c.ts])).toEqual(aggs(events).map((e) => [e.name, e.t * 1000]));
    // @cpu's counters carry each key's value (≤ TOP_KEYS keys here), every key in every
    // event: 0 in the prints before the key appears.
    const cpu = aggs(events).filter((e) => e.name === '@cpu');
    const cpuKeys = cpu[cpu.length - 1].entries.map((x) => x.key);
    expect(counters.filter((c) => c.name === '@cpu').map((c) => c.args)).toEqual(
      cpu.map((e) => ({ ...Object.fromEntries(cpuKeys.map((k) => [k, 0])), ...Object.fromEntries(e.entries.map((x) => [x.key, (x as { value: number }).value])) })),
    );
    // The stack map as its sample total; the histogram as its count.
    const stacks = aggs(events).filter((e) => e.name === '@stacks');
    expect(counters.filter((c) => c.name === '@stacks').map((c) => c.args.samples)).toEqual(
      stacks.map((e) => e.entries.reduce((a, x) => a + Number((x as { value: number }).value), 0)),
    );
    const hist = aggs(events).filter((e) => e.name === '@bytes');
    expect(counters.filter((c) => c.name === '@bytes').map((c) => c.args.value)).toEqual(
      hist.map((e) => (e.type === 'hist' ? e.entries[0].buckets.reduce((a, b) => a + b.count, 0) : NaN)),
    );
    // Run events (attached, exit) as instants; metadata names the process and tracks.
    expect(te.filter((e) => e.cat === 'run').map((e) => e.name)).toEqual(['run', ...events.filter((e) => ['attached', 'lost', 'error', 'warning', 'exit'].includes(e.type)).map((e) => e.type)]);
    expect(te.filter((e) => e.ph === 'M').map((e) => e.name)).toEqual(['process_name', 'thread_name', 'thread_name', 'thread_name', 'thread_name']);
    // The stack map's last print as sampled stacks: each sample's frame chain is a stack, its weight the count.
    const want = oracleFolded(lastStackMap(fs.readFileSync(rec, 'utf8')));
    const got = new Map<string, number>();
    for (const x of doc.samples ?? []) {
      if (x.sf === undefined) continue;
      const names: string[] = [];
      for (let id: string | undefined = x.sf; id !== undefined; id = doc.stackFrames![id].parent) names.unshift(doc.stackFrames![id].name);
      got.set(names.join(';'), (got.get(names.join(';')) ?? 0) + x.weight);
    }
    expect(got).toEqual(want);
    expect(doc.otherData?.script).toBe(parseRecording(fs.readFileSync(rec, 'utf8')).header.script);
  });

  it('puts every series of a map in every counter event, 0 until its key appears (catapult fixes series from the first event)', async () => {
    const base = eventsOf(REC_A);
    const late: TraceEvent[] = [
      { type: 'map', t: 100, name: '@count', snapshot: true, entries: [{ key: 'sshd', value: 3 }] },
      { type: 'map', t: 200, name: '@count', snapshot: true, entries: [{ key: 'sshd', value: 5 }, { key: 'bash', value: 7653 }] },
      { type: 'map', t: 250, name: '@count', snapshot: true, entries: [{ key: 'bash', value: 7690 }] },
      { type: 'map', t: 300, name: '@count', snapshot: false, entries: [{ key: 'sshd', value: 6 }, { key: 'bash', value: 7700 }] },
    ];
    const rec = writeRecording(path.join(dir, 'late-key.ndjson'), REC_A, [...base, ...late]);
    const doc = TraceFile.parse(JSON.parse((await exportText(rec, 'chrome-trace')).text));
    const c = doc.traceEvents.filter((e) => e.ph === 'C' && e.name === '@count') as z.infer<typeof Counter>[];
    expect(c.map((e) => e.args)).toEqual([
      { sshd: 3, bash: 0 },
      { sshd: 5, bash: 7653 },
      { sshd: 0, bash: 7690 },
      { sshd: 6, bash: 7700 },
    ]);
  });

  it('keeps the top keys of a big map as counters, and says it cut', async () => {
    const base = eventsOf(REC_A);
    const big: TraceEvent[] = [1, 2, 3].map((t) => ({
      type: 'map',
      t: 5000 + t,
      name: '@big',
      snapshot: t < 3,
      entries: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: i * t })),
    }));
    const rec = writeRecording(path.join(dir, 'big-map.ndjson'), REC_A, [...base, ...big]);
    const { text, warnings } = await exportText(rec, 'chrome-trace');
    expect(warnings).toEqual([`@big: 40 keys, only the top ${TOP_KEYS} by final value are counters`]);
    const doc = TraceFile.parse(JSON.parse(text));
    const c = doc.traceEvents.filter((e) => e.ph === 'C' && e.name === '@big') as z.infer<typeof Counter>[];
    expect(c).toHaveLength(3);
    for (const e of c) expect(Object.keys(e.args).sort()).toEqual(Array.from({ length: TOP_KEYS }, (_, i) => `k${39 - i}`).sort());
    expect(doc.traceEvents.filter((e) => e.cat === 'note').map((e) => e.name)).toEqual([`@big: top ${TOP_KEYS} of 40 keys`]);
  });
});

/** RFC 4180 reader: quoted fields with doubled quotes and embedded line breaks; CRLF records. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        f += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        f += ch;
        i++;
      }
    } else if (ch === '"' && f === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(f);
      f = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
      i += 2;
    } else if (ch === '\n') throw new Error(`bare LF outside quotes at ${i}`);
    else {
      f += ch;
      i++;
    }
  }
  if (f !== '' || row.length > 0) throw new Error('last record without CRLF');
  return rows;
}

describe('csv', () => {
  it('quotes per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('\n  f+1\n  g+2\n')).toBe('"\n  f+1\n  g+2\n"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
  });

  it.each([REC_A, REC_B])('one row per key or bucket of every map\'s last print, keys exact (%s)', async (rec) => {
    const events = eventsOf(rec);
    const last = new Map<string, AggregateEvent>();
    for (const e of aggs(events)) last.set(e.name, e);
    const { text, mime } = await exportText(rec, 'csv');
    expect(mime).toBe('text/csv');
    const rows = readCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const body = rows.slice(1).map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]])));
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const expected: Record<string, string>[] = [];
    for (const m of last.values()) {
      for (const e of m.entries as { key: string | null; value: unknown; buckets: { min?: number; max?: number; count: number }[] }[]) {
        const key = e.key ?? '';
        if (m.type === 'hist') for (const b of e.buckets) expected.push({ map: m.name, kind: 'hist', key, bucket_min: String(b.min ?? ''), bucket_max: String(b.max ?? ''), count: String(b.count) });
        else if (m.type === 'stats' && typeof e.value === 'number') expected.push({ map: m.name, kind: 'avg', key, value: String(e.value), average: String(e.value) });
        else if (m.type === 'stats') {
          const v = e.value as { count: number; average: number; total: number };
          expected.push({ map: m.name, kind: 'stats', key, count: String(v.count), average: String(v.average), total: String(v.total) });
        } else expected.push({ map: m.name, kind: 'map', key, value: String(e.value) });
      }
    }
    const filled = expected.map((x) => Object.fromEntries(CSV_COLUMNS.map((c) => [c, x[c] ?? ''])));
    expect(body).toEqual(filled);
    // The stack keys survive exactly, line breaks and all.
    expect(body.filter((r) => r.map === '@stacks').length).toBeGreaterThan(10);
    expect(body.find((r) => r.map === '@stacks')!.key.startsWith('\n')).toBe(true);
  });

  it('--map limits to one map; no maps at all is a clear refusal', async () => {
    const rows = readCsv((await exportText(REC_A, 'csv', '@cpu')).text);
    expect(new Set(rows.slice(1).map((r) => r[0]))).toEqual(new Set(['@cpu']));
    const printfOnly = writeRecording(path.join(dir, 'printf-only.ndjson'), REC_A, eventsOf(REC_A).filter((e) => e.type === 'printf'));
    await expect(exportRecording(printfOnly, 'csv', collector().stream)).rejects.toThrow(ExportError);
    await expect(exportRecording(printfOnly, 'csv', collector().stream)).rejects.toThrow(/no maps or histograms; csv needs them/);
  });
});

describe('json', () => {
  it('is the recording itself, byte for byte', async () => {
    const { bytes } = await exportText(REC_B, 'json');
    expect(bytes.equals(fs.readFileSync(REC_B))).toBe(true);
  });

  it("with a map, that map's last print", async () => {
    const { text } = await exportText(REC_B, 'json', '@bytes');
    const want = aggs(eventsOf(REC_B)).filter((e) => e.name === '@bytes').pop();
    expect(JSON.parse(text)).toEqual(want);
  });

  it('to a file path: written whole, or not at all', async () => {
    const out = path.join(dir, 'copy.ndjson');
    const r = await exportRecording(REC_A, 'json', out);
    expect(fs.readFileSync(out).equals(fs.readFileSync(REC_A))).toBe(true);
    expect(r.bytes).toBe(fs.statSync(REC_A).size);
    await expect(exportRecording(REC_A, 'json', path.join(dir, 'x.json'), { map: '@missing' })).rejects.toThrow(/no map @missing/);
    expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
  });
});
