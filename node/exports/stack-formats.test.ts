// folded, speedscope and pprof exports of real recordings, each parsed back with its format's
// reader (our folded parser, ajv + speedscope's published schema, pprof-format's decoder) and
// compared stack by stack with an oracle built from parseRecording + parseStackKey.
import { Ajv } from 'ajv';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MapEvent, TraceEvent } from '../../common/contract/index.js';
import { parseRecording } from '../recordings/writer.js';
import { StackFolder } from '../../common/profile/stacks.js';
import { EMPTY_STACK, foldedProfileOf, walkStacks } from './stack-maps.js';
import { parseFoldedText } from './diff.js';
import { ExportError, exportRecording } from './index.js';
import { collector, lastStackMap, oracleFolded, pprofStacks, REC_A, REC_B, speedscopeStacks, sum, tmpDir, writeRecording } from '../../test/support/exports.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function exportBytes(rec: string, format: Parameters<typeof exportRecording>[1], map?: string) {
  const c = collector();
  const r = await exportRecording(rec, format, c.stream, { map });
  expect(r.bytes).toBe(c.bytes().length);
  return { ...r, bytes: c.bytes(), text: c.text() };
}

describe.each([REC_A, REC_B])('stack exports of %s', (rec) => {
  const ev = lastStackMap(fs.readFileSync(rec, 'utf8'));
  const want = oracleFolded(ev);

  it('has a real profile to check against', () => {
    expect(want.size).toBeGreaterThan(10);
    expect(sum(want)).toBe(ev.entries.reduce((a, e) => a + Number(e.value), 0));
  });

  it('folded: one line per stack, the same samples per stack as the recording', async () => {
    const { text, warnings, mime } = await exportBytes(rec, 'folded');
    expect(mime).toBe('text/plain');
    expect(warnings).toEqual([]);
    const { stacks, problems } = parseFoldedText(text);
    expect(problems).toEqual([]);
    expect(stacks).toEqual(want);
    // Merged: no stack appears twice.
    expect(text.trimEnd().split('\n')).toHaveLength(want.size);
    // comm (the key's other part) is the root frame: the first frame of every line.
    const comms = new Set(ev.entries.map((e) => e.key!.slice(e.key!.lastIndexOf(',') + 1)));
    for (const line of text.trimEnd().split('\n')) expect(comms.has(line.split(';')[0].split(' ')[0])).toBe(true);
  });

  it('speedscope: valid against the published schema, same samples per stack', async () => {
    const { text } = await exportBytes(rec, 'speedscope');
    const doc = JSON.parse(text);
    const schema = JSON.parse(fs.readFileSync('node_modules/speedscope/dist/release/file-format-schema.json', 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.profiles).toHaveLength(1);
    expect(doc.profiles[0]).toMatchObject({ type: 'sampled', name: '@stacks', startValue: 0, endValue: sum(want) });
    expect(speedscopeStacks(doc).get('@stacks')).toEqual(want);
    // Shared frames: each name once.
    const names = doc.shared.frames.map((f: { name: string }) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('pprof: gzipped profile.proto that pprof-format decodes to the same samples per stack', async () => {
    const { bytes, mime, extension } = await exportBytes(rec, 'pprof');
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect([mime, extension]).toEqual(['application/gzip', 'pb.gz']);
    const { stacks, sampleType } = pprofStacks(bytes);
    // profile:hz:99: Pyroscope's cpu/nanoseconds beside the sample count.
    expect(sampleType).toEqual(['samples', 'count', 'cpu', 'nanoseconds']);
    expect(stacks).toEqual(want);
  });
});

describe('refusals and choices', () => {
  const events = parseRecording(fs.readFileSync(REC_B, 'utf8')).events;
  const noStacks = writeRecording(path.join(dir, 'no-stacks.ndjson'), REC_B, events.filter((e) => !(e.type === 'map' && e.name === '@stacks')));

  it.each(['folded', 'speedscope', 'pprof', 'svg'] as const)('%s of a recording without stack maps: a clear refusal, no file', async (format) => {
    const out = path.join(dir, `no-stacks.${format}`);
    const p = exportRecording(noStacks, format, out);
    await expect(p).rejects.toThrow(ExportError);
    await expect(exportRecording(noStacks, format, out)).rejects.toThrow(
      `this recording has no stack maps (maps keyed by kstack/ustack); ${format} needs stacks — try csv or json`,
    );
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('refuses a map that is not a stack map, and names the stack maps', async () => {
    await expect(exportRecording(REC_B, 'folded', collector().stream, { map: '@cpu' })).rejects.toThrow(
      '@cpu is not a stack map (its keys hold no kstack/ustack); folded needs stacks — stack maps here: @stacks',
    );
    await expect(exportRecording(REC_B, 'folded', collector().stream, { map: '@nope' })).rejects.toThrow(/no map @nope in this recording \(maps: .*@stacks/);
  });

  it('accepts a map name without its @', async () => {
    const a = await exportBytes(REC_B, 'folded', 'stacks');
    const b = await exportBytes(REC_B, 'folded');
    expect(a.text).toBe(b.text);
  });

  it('several stack maps: each stack starts with its map name (folded, pprof); speedscope has a profile each', async () => {
    const stacks = events.filter((e): e is MapEvent => e.type === 'map' && e.name === '@stacks');
    const other: TraceEvent[] = stacks.map((e) => ({ ...e, name: '@other', entries: e.entries.slice(0, 5) }));
    const rec = writeRecording(path.join(dir, 'two-maps.ndjson'), REC_B, [...events, ...other]);
    const wantStacks = oracleFolded(stacks[stacks.length - 1]);
    const wantOther = oracleFolded(other[other.length - 1] as MapEvent);
    const folded = await exportBytes(rec, 'folded');
    expect(folded.warnings.join()).toMatch(/2 stack maps \(@stacks, @other\)/);
    const got = parseFoldedText(folded.text).stacks;
    const prefixed = new Map([...[...wantStacks].map(([k, v]) => [`@stacks;${k}`, v] as const), ...[...wantOther].map(([k, v]) => [`@other;${k}`, v] as const)]);
    expect(got).toEqual(prefixed);
    expect(pprofStacks((await exportBytes(rec, 'pprof')).bytes).stacks).toEqual(prefixed);
    const ss = speedscopeStacks(JSON.parse((await exportBytes(rec, 'speedscope')).text));
    expect(ss).toEqual(new Map([['@stacks', wantStacks], ['@other', wantOther]]));
    // --map picks one, unprefixed.
    expect(parseFoldedText((await exportBytes(rec, 'folded', '@other')).text).stacks).toEqual(wantOther);
  });

  it('a torn recording exports what was written (the previous print of the map)', async () => {
    const text = fs.readFileSync(REC_B, 'utf8');
    const cut = text.slice(0, text.lastIndexOf('{"type":"map","t":') + 300);
    const rec = path.join(dir, 'torn.ndjson');
    fs.writeFileSync(rec, cut);
    const { text: folded, warnings } = await exportBytes(rec, 'folded');
    expect(warnings.join()).toMatch(/cut line/);
    expect(parseFoldedText(folded).stacks).toEqual(oracleFolded(lastStackMap(cut)));
  });

  it('a future-format recording is refused with the clear message, before any byte', async () => {
    const rec = path.join(dir, 'future.ndjson');
    fs.writeFileSync(rec, fs.readFileSync(REC_A, 'utf8').replace('"format":1', '"format":99'));
    for (const format of ['folded', 'json', 'csv'] as const) {
      const c = collector();
      await expect(exportRecording(rec, format, c.stream)).rejects.toThrow('recording format 99 is newer than this kscope understands (2); update kscope');
      expect(c.bytes().length).toBe(0);
    }
  });
});

describe('the same stacks as the UI', () => {
  /** Self samples per path of the engine's StackFolder tree (what the flame graph draws). */
  function uiStacks(entries: MapEvent['entries']): Map<string, number> {
    const tree = new StackFolder().fold(entries);
    const out = new Map<string, number>();
    walkStacks(tree, (names, d, v) => out.set(names.slice(0, d).join(';'), (out.get(names.slice(0, d).join(';')) ?? 0) + v));
    // Samples of keys with no frames at all stay on the root: the exports name them EMPTY_STACK.
    const rootSelf = tree.total - [...out.values()].reduce((a, b) => a + b, 0);
    if (rootSelf > 0) out.set(EMPTY_STACK, rootSelf);
    return out;
  }

  it.each([REC_A, REC_B])('folded stacks equal the flame graph tree of %s', (rec) => {
    const ev = lastStackMap(fs.readFileSync(rec, 'utf8'));
    const p = foldedProfileOf(ev);
    expect(p.stacks).toEqual(uiStacks(ev.entries));
    expect(p.total).toBe(new StackFolder().fold(ev.entries).total);
  });

  it('agrees on awkward keys: comm with a comma, kstack+ustack, hex and library offsets, non-numeric values', () => {
    // One map per key layout (a map's keys all have the same parts).
    const withComm: MapEvent['entries'] = [
      { key: '\n    f+1\n    g+2\n,bash', value: 3 },
      { key: '\n    f+1\n    g+2\n,a,b', value: 2 }, // comm "a,b"
      { key: '\n    f+7\n    g+2\n,bash', value: 4 }, // same stack as the first once offsets go
      { key: '\n    x+1\n,bash', value: 'n/a' },
      { key: '\n    x+1\n,zero', value: 0 },
      { key: '\n,idle', value: 6 }, // an empty kstack (sampled in user space)
    ];
    const twoStacks: MapEvent['entries'] = [
      { key: '\n    k1+0x1f\n    k2+4\n,\n    u1+12 (/lib/x.so)\n    main+3 (/bin/y)\n', value: 5 },
      { key: '\n', value: 2 },
    ];
    for (const entries of [withComm, twoStacks]) {
      const p = foldedProfileOf({ type: 'map', t: 0, name: '@', entries, snapshot: false });
      expect(p.stacks).toEqual(uiStacks(entries));
      expect(p.total).toBe(new StackFolder().fold(entries).total);
    }
    const p = foldedProfileOf({ type: 'map', t: 0, name: '@', entries: withComm, snapshot: false });
    expect(p.stacks.get('bash;g;f')).toBe(7);
    expect(foldedProfileOf({ type: 'map', t: 0, name: '@', entries: twoStacks, snapshot: false }).stacks.get('main (/bin/y);u1 (/lib/x.so);k2;k1')).toBe(5);
    expect(p.stacks.get('a,b;g;f')).toBe(2);
  });
});
