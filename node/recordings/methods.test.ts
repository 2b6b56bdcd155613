// The contract's recordings methods through a real backend (no bpftrace needed): import,
// list, rename, open, scrub, export into the exports folder, diff, delete, and the whole
// library across an app restart (a new backend on the same folders).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../backend.js';
import { parseRecording } from './writer.js';
import { resolveExportDownload } from './paths.js';
import { backendsOver, callMethod, header, tmpDirs, writeRec } from '../../test/support/recordings.js';

const call = callMethod;

const stack = (...frames: string[]) => '\n' + frames.map((f) => `        ${f}\n`).join('');
const FOLDED = 'main;work;spin 70\nmain;work;sleep 20\nmain;idle 10\n';
const FOLDED_AFTER = 'main;work;spin 20\nmain;work;sleep 20\nmain;idle 60\n';

describe('recordings methods through the backend', () => {
  const { root, dir, settings } = tmpDirs();
  const { make, all: backends } = backendsOver(dir, settings);

  let before = '';
  let after = '';

  it('imports pasted text as a recording and lists it', async () => {
    const b = make();
    const r = (await call(b, 'importText', { text: FOLDED, as: 'folded', name: 'before the fix' })) as { summary: { id: string; name: string; origin: string; stackMaps: string[] }; format: string };
    expect(r.format).toBe('folded');
    expect(r.summary).toMatchObject({ name: 'before the fix', origin: 'folded', interrupted: false });
    expect(r.summary.stackMaps).toHaveLength(1);
    before = r.summary.id;
    const r2 = (await call(b, 'importText', { text: FOLDED_AFTER + 'garbage line\n', as: 'folded' })) as { summary: { id: string; name: string }; problems: { line: number }[] };
    expect(r2.problems.map((p) => p.line)).toEqual([4]);
    expect(r2.summary.name).toMatch(/^pasted text · folded stacks · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    after = r2.summary.id;
    const list = (await call(b, 'recordings', {})) as { items: { id: string }[]; dir: string };
    expect(list.dir).toBe(dir);
    expect(list.items.map((s) => s.id).sort()).toEqual([before, after].sort());
    await expect(call(b, 'importText', { text: '\u0000\u0001binary', as: 'folded' })).rejects.toThrow();
  });

  it('names every import apart: file · format · time by default, never a name the library has', async () => {
    const b = make();
    const names: string[] = [];
    for (let i = 0; i < 3; i++) names.push(((await call(b, 'importText', { text: FOLDED, from: 'out.folded' })) as { summary: { name: string } }).summary.name);
    expect(names[0]).toMatch(/^out\.folded · folded stacks · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(new Set(names).size).toBe(3);
    // A name the user gives twice is told apart too.
    const mine = [];
    for (let i = 0; i < 2; i++) mine.push(((await call(b, 'importText', { text: FOLDED, name: 'before the fix' })) as { summary: { name: string } }).summary.name);
    expect(mine).toEqual(['before the fix (2)', 'before the fix (3)']);
    // The header's note says where it came from.
    const list = (await call(b, 'recordings', {})) as { items: { id: string; name: string; script: string }[] };
    expect(list.items.find((s) => s.name === names[0])!.script).toMatch(/^\/\/ imported folded stacks from out\.folded/);
    for (const s of list.items) if (s.id !== before && s.id !== after && s.name !== 'before the fix') await call(b, 'deleteRecording', { id: s.id });
  });

  it('exports into the exports folder, downloadable by name', async () => {
    const b = make();
    const r = (await call(b, 'exportRecording', { id: before, format: 'folded' })) as { name: string; path: string; bytes: number; mime: string };
    expect(path.dirname(r.path)).toBe(path.join(root, 'exports'));
    expect(r.name).toBe(`${before}.folded`);
    const text = fs.readFileSync(r.path, 'utf8');
    expect(r.bytes).toBe(Buffer.byteLength(text));
    const total = text.trim().split('\n').reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(total).toBe(100);
    expect(resolveExportDownload(path.join(root, 'exports'), r.name)?.path).toBe(r.path);
    const svg = (await call(b, 'exportRecording', { id: before, format: 'svg' })) as { name: string; mime: string };
    expect(svg).toMatchObject({ name: `${before}.svg`, mime: 'image/svg+xml' });
    await expect(call(b, 'exportRecording', { id: 'nope', format: 'folded' })).rejects.toThrow(/no recording nope/);
  });

  it('diffs two recordings: before and after', async () => {
    const b = make();
    const d = (await call(b, 'diffRecordings', { a: before, b: after })) as { totalA: number; totalB: number; tree: { a: number; b: number } };
    expect(d).toMatchObject({ totalA: 100, totalB: 100 });
    expect(d.tree).toMatchObject({ a: 100, b: 100 });
  });

  it('opens and scrubs a recording made by hand', async () => {
    writeRec(dir, 'hand', header({ startedAt: '2020-01-01T00:00:00.000Z' }), [
      { type: 'attached', t: 1, probes: 2 },
      { type: 'map', t: 1000, name: '@st', entries: [{ key: stack('f+1', 'main+2'), value: 3 }], snapshot: false },
      { type: 'printf', t: 1500, text: 'hello\n' },
      { type: 'map', t: 2000, name: '@st', entries: [{ key: stack('f+1', 'main+2'), value: 5 }, { key: stack('g+1', 'main+2'), value: 5 }], snapshot: false },
      { type: 'exit', t: 2100, code: 0, signal: null },
    ]);
    const b = make();
    const o = (await call(b, 'openRecording', { id: 'hand' })) as { frames: number[] };
    expect(o.frames).toEqual([1000, 2000]);
    const at1 = (await call(b, 'recordingAt', { id: 'hand', t: 1000 })) as { flames: { total: number }[]; printf: unknown[]; status: { exit: unknown } };
    expect(at1.flames.map((f) => f.total)).toEqual([3]);
    expect(at1.printf).toEqual([]);
    const at2 = (await call(b, 'recordingAt', { id: 'hand', t: 5000 })) as { flames: { total: number }[]; printf: unknown[]; status: { exit: unknown; attachedProbes: number } };
    expect(at2.flames.map((f) => f.total)).toEqual([10]);
    expect(at2.printf).toEqual([{ t: 1500, text: 'hello\n' }]);
    expect(at2.status).toMatchObject({ exit: { code: 0, signal: null }, attachedProbes: 2 });
    await expect(call(b, 'openRecording', { id: '../hand' })).rejects.toThrow();
  });

  it('the library across an app restart: same list, same names', async () => {
    const b1 = make();
    await call(b1, 'renameRecording', { id: 'hand', name: 'hand made' });
    const list1 = await call(b1, 'recordings', {});
    await b1.shutdown();
    const b2 = make();
    const list2 = (await call(b2, 'recordings', {})) as { items: { id: string; name: string }[] };
    expect(list2).toEqual(list1);
    expect(list2.items.find((s) => s.id === 'hand')!.name).toBe('hand made');
    expect(list2.items.find((s) => s.id === before)!.name).toBe('before the fix');
    expect(((await call(b2, 'recordings', { query: 'hand made' })) as { items: { id: string }[] }).items.map((s) => s.id)).toEqual(['hand']);
    expect(await call(b2, 'deleteRecording', { id: 'hand' })).toEqual({ deleted: true });
    const b3 = make();
    expect(((await call(b3, 'recordings', {})) as { items: { id: string }[] }).items.map((s) => s.id)).not.toContain('hand');
  });

  it('with recordings off, the methods say so', async () => {
    const b = createBackend({ recordingsDir: null, cacheDir: null, settingsPath: settings });
    backends.push(b);
    await expect(call(b, 'recordings', {})).rejects.toThrow(/recordings are off/);
  });
});

describe('importText of perf script: how samples weigh, over the contract', () => {
  const { dir, settings } = tmpDirs();
  const { make } = backendsOver(dir, settings);
  const PERF = fs.readFileSync(path.resolve('test/fixtures/interop/perf-java-inline.txt'), 'utf8');

  it('weighs by period unless the window asks to count samples; refuses a malformed choice', async () => {
    const b = make();
    const totals: number[] = [];
    for (const perf of [undefined, { weight: 'samples', rawFrames: false }, { weight: 'period', rawFrames: true }]) {
      const r = (await call(b, 'importText', { text: PERF, ...(perf ? { perf } : {}) })) as { summary: { id: string }; format: string };
      expect(r.format).toBe('perf');
      const opened = (await call(b, 'openRecording', { id: r.summary.id })) as { options: unknown };
      expect(opened.options).toMatchObject({ imported: { perf: perf ?? { weight: 'period', rawFrames: false } } });
      const file = fs.readdirSync(dir).find((f) => f.includes(r.summary.id))!;
      const map = parseRecording(fs.readFileSync(path.join(dir, file), 'utf8')).events.find((e) => e.type === 'map') as { entries: { value: number }[] };
      totals.push(map.entries.reduce((a, e) => a + e.value, 0));
    }
    expect(totals).toEqual([1_500_000, 3, 1_500_000]);
    await expect(call(b, 'importText', { text: PERF, perf: { weight: 'cycles', rawFrames: false } })).rejects.toThrow();
  });
});
