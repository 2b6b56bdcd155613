// The library over hand-made recordings (NDJSON written here): listing, the scan cache,
// search, rename, delete, the size cap, ids that try to leave the folder, and bad files.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORDING_FORMAT, RecordingSummary, type TraceEvent } from '../../common/contract/index.js';
import { parseRecording } from './writer.js';
import { RecordingsLibrary } from './library.js';
import { recordingPath, resolveExportDownload } from './paths.js';
import { scriptTitle } from './summary.js';
import { header, tmpDirs, writeRec } from '../../test/support/recordings.js';

const stack = (...frames: string[]) => '\n' + frames.map((f) => `        ${f}\n`).join('');

function lib(dir: string, settings: string, writing: string[] = []): RecordingsLibrary {
  return new RecordingsLibrary({ dir, settingsPath: settings, writing: () => writing, checkOtherProcesses: false });
}

describe('recordings library', async () => {
  it('lists every recording newest first with what the UI shows, and unreadable files without failing', async () => {
    const { dir, settings } = tmpDirs();
    writeRec(dir, 'a-old', header({ startedAt: '2026-01-01T00:00:00.000Z', script: '// counts\n\ntracepoint:syscalls:sys_enter_openat { @[comm] = count(); }', options: { example: { id: 'lesson-4', variant: 'original', reason: null } } }), [
      { type: 'attached', t: 10, probes: 2 },
      { type: 'printf', t: 20, text: 'x\n' },
      { type: 'map', t: 1010, name: '@', entries: [{ key: 'bash', value: 3 }], snapshot: true },
      { type: 'map', t: 1500, name: '@s', entries: [{ key: stack('f1+1', 'f2+2'), value: 5 }], snapshot: false },
      { type: 'hist', t: 1500, name: '@h', entries: [{ key: null, buckets: [{ min: 0, max: 1, count: 2 }] }], snapshot: false },
      { type: 'lost', t: 1600, events: 7 },
      { type: 'lost', t: 1700, events: 3 },
      { type: 'exit', t: 2010, code: 0, signal: 'SIGINT' },
    ]);
    writeRec(dir, 'b-crashed', header({ startedAt: '2026-01-02T00:00:00.000Z', script: 'profile:hz:99 { @[kstack] = count(); }' }), [{ type: 'printf', t: 5, text: 'a\n' }], '{"type":"printf","t":9,"te');
    writeRec(dir, 'c-future', { ...header({ startedAt: '2026-01-03T00:00:00.000Z' }), format: RECORDING_FORMAT + 1 }, []);
    writeRec(dir, 'd-import', header({ startedAt: '2026-01-04T00:00:00.000Z', script: '', options: { imported: { format: 'folded' } } }), [
      { type: 'map', t: 0, name: '@stacks', entries: [{ key: stack('a', 'b'), value: 1 }], snapshot: false },
    ]);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a recording');
    fs.writeFileSync(path.join(dir, '.hidden.ndjson'), 'x');
    const r = (await lib(dir, settings).list());
    for (const s of r.items) RecordingSummary.parse(s);
    expect(r.items.map((s) => s.id)).toEqual(['d-import', 'c-future', 'b-crashed', 'a-old']);
    const [imp, future, crashed, old] = r.items;
    expect(old).toMatchObject({
      name: 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }',
      durationMs: 2000,
      events: 7,
      printfLines: 1,
      lostEvents: 10,
      exit: { code: 0, signal: 'SIGINT' },
      interrupted: false,
      maps: ['@', '@s', '@h'],
      stackMaps: ['@s'],
      origin: 'run',
      example: 'lesson-4',
    });
    expect(crashed).toMatchObject({ interrupted: true, exit: null, events: 1, bytes: fs.statSync(path.join(dir, 'b-crashed.ndjson')).size });
    expect(future.name).toMatch(new RegExp(`^unreadable: recording format ${RECORDING_FORMAT + 1} is newer than this kscope understands`));
    expect(future).toMatchObject({ interrupted: false, events: 0 });
    expect(imp).toMatchObject({ origin: 'folded', name: 'imported folded', stackMaps: ['@stacks'] });
    expect(r.totalBytes).toBe(r.items.reduce((n, s) => n + s.bytes, 0));
    expect(r.capBytes).toBe(2 * 1024 ** 3);
  });

  it('caches each scan keyed by name, size and mtime: an unchanged file is not read again, a changed one is', async () => {
    const { dir, settings } = tmpDirs();
    const file = writeRec(dir, 'r1', header(), [{ type: 'printf', t: 1, text: 'a\n' }, { type: 'exit', t: 2, code: 0, signal: null }]);
    fs.utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    expect((await lib(dir, settings).list()).items[0].printfLines).toBe(1);
    expect(fs.existsSync(path.join(dir, '.kscope-index.json'))).toBe(true);
    // Same size and mtime, different content: the cached scan answers (the file was not re-read).
    const st = fs.statSync(file);
    const text = fs.readFileSync(file, 'utf8').replace('"type":"printf","t":1,"text":"a\\n"', '"type":"value","t":1,"text":"a\\n" ');
    expect(text.length).toBe(st.size);
    fs.writeFileSync(file, text);
    fs.utimesSync(file, st.atime, st.mtime);
    expect((await lib(dir, settings).list()).items[0].printfLines).toBe(1);
    // A new mtime: scanned again, and the new content counts.
    fs.utimesSync(file, st.atime, new Date(st.mtimeMs + 5000));
    expect((await lib(dir, settings).list()).items[0].printfLines).toBe(0);
  });

  it('searches words across name, script, example and maps', async () => {
    const { dir, settings } = tmpDirs();
    writeRec(dir, 'one', header({ script: 'tracepoint:block:block_rq_issue { @bytes = hist(args->bytes); }' }), [
      { type: 'hist', t: 1, name: '@bytes', entries: [{ key: null, buckets: [] }], snapshot: true },
    ]);
    writeRec(dir, 'two', header({ script: 'profile:hz:99 { @[kstack] = count(); }', options: { example: { id: 'lesson-10', variant: 'original', reason: null } } }), []);
    const l = lib(dir, settings);
    expect((await l.list('block')).items.map((s) => s.id)).toEqual(['one']);
    expect((await l.list('LESSON-10')).items.map((s) => s.id)).toEqual(['two']);
    expect((await l.list('@bytes hist')).items.map((s) => s.id)).toEqual(['one']);
    expect((await l.list('profile block')).items).toEqual([]);
    await l.rename('two', 'before the fix');
    expect((await l.list('fix')).items.map((s) => s.id)).toEqual(['two']);
    expect((await l.list('')).items).toHaveLength(2);
  });

  it('renames without moving the file (ids stay), survives a new library, and refuses blank names', async () => {
    const { dir, settings } = tmpDirs();
    const file = writeRec(dir, 'r1', header({ script: 'BEGIN { exit(); }' }), []);
    const l = lib(dir, settings);
    expect((await l.list()).items[0].name).toBe('BEGIN { exit(); }');
    expect(await l.rename('r1', '  slow  disk  ')).toMatchObject({ id: 'r1', name: 'slow disk', path: file });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson'))).toEqual(['r1.ndjson']);
    expect((await lib(dir, settings).list()).items[0].name).toBe('slow disk');
    await expect(l.rename('r1', '   ')).rejects.toThrow(/blank/);
    await expect(l.rename('nope', 'x')).rejects.toThrow(/no recording nope/);
  });

  it('deletes a recording and its name; refuses one that is being written', async () => {
    const { dir, settings } = tmpDirs();
    const a = writeRec(dir, 'a', header(), []);
    const b = writeRec(dir, 'b', header(), []);
    const l = lib(dir, settings, [b]);
    await l.rename('a', 'mine');
    expect(l.remove('a')).toEqual({ deleted: true });
    expect(fs.existsSync(a)).toBe(false);
    expect(l.remove('a')).toEqual({ deleted: false });
    expect(() => l.remove('b')).toThrow(/still being written/);
    expect(fs.existsSync(b)).toBe(true);
    writeRec(dir, 'a', header(), []);
    expect((await l.list()).items.find((s) => s.id === 'a')!.name).not.toBe('mine'); // the old name went with it
  });

  it('keeps the folder under the cap from settings.json: oldest first, never a running one, never the newest', async () => {
    const { dir, settings } = tmpDirs();
    const big = 'x'.repeat(1000);
    const mk = (id: string, day: number) => writeRec(dir, id, header({ startedAt: `2026-01-0${day}T00:00:00.000Z` }), [{ type: 'printf', t: 1, text: big }]);
    mk('d1', 1);
    const running = mk('d2', 2);
    mk('d3', 3);
    mk('d4', 4);
    const one = fs.statSync(running).size;
    fs.writeFileSync(settings, JSON.stringify({ recordingsCapBytes: one * 2 + 10 }));
    const l = lib(dir, settings, [running]);
    const r = (await l.list());
    expect(r.capBytes).toBe(one * 2 + 10);
    // d1 goes (oldest), d2 is running so it stays, d3 goes; d4 (newest) and d2 remain.
    expect(r.items.map((s) => s.id)).toEqual(['d4', 'd2']);
    expect(r.totalBytes).toBe(2 * one);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort()).toEqual(['d2.ndjson', 'd4.ndjson']);
    // Only the newest, alone over the cap: kept.
    fs.writeFileSync(settings, JSON.stringify({ recordingsCapBytes: 10 }));
    expect((await lib(dir, settings).enforceCap())).toEqual(['d2']);
    expect((await lib(dir, settings).list()).items.map((s) => s.id)).toEqual(['d4']);
    // A damaged settings file means the default cap, not a deletion spree.
    fs.writeFileSync(settings, '{ oops');
    expect((await lib(dir, settings).list()).capBytes).toBe(2 * 1024 ** 3);
  });

  it('refuses ids and export names that leave their folder', async () => {
    const { dir, root } = tmpDirs();
    for (const bad of ['../x', '.index', 'a/b', '', '..', 'a\0b']) expect(() => recordingPath(dir, bad), bad).toThrow(/not a recording id/);
    expect(recordingPath(dir, 'ok-1.2')).toBe(path.join(dir, 'ok-1.2.ndjson'));
    const ex = path.join(root, 'exports');
    expect(resolveExportDownload(ex, 'rec-1.@stacks.folded')).toEqual({ path: path.join(ex, 'rec-1.@stacks.folded'), name: 'rec-1.@stacks.folded', mime: 'text/plain; charset=utf-8' });
    expect(resolveExportDownload(ex, 'r.speedscope.json')?.mime).toBe('application/json');
    expect(resolveExportDownload(ex, 'r.svg')?.mime).toBe('image/svg+xml');
    for (const bad of ['../secret', '..%2Fsecret', '%2e%2e', '.hidden', 'a/b', 'a%00b', '%E0%A4%A', '']) expect(resolveExportDownload(ex, bad), bad).toBeNull();
  });

  it('a recording with only a header, and an empty file', async () => {
    const { dir, settings } = tmpDirs();
    writeRec(dir, 'h', header(), []);
    fs.writeFileSync(path.join(dir, 'empty.ndjson'), '');
    const items = (await lib(dir, settings).list()).items;
    expect(items.find((s) => s.id === 'h')).toMatchObject({ events: 0, durationMs: 0, interrupted: true });
    expect(items.find((s) => s.id === 'empty')!.name).toMatch(/^unreadable: empty recording/);
  });

  it('names a recording by the first meaningful line of its script', async () => {
    expect(scriptTitle('#!/usr/bin/env bpftrace\n#include <linux/fs.h>\n/* a\n b */\n// c\n\nBEGIN\n{\n}')).toBe('BEGIN');
    expect(scriptTitle('/* x */ kprobe:f { }')).toBe('kprobe:f { }');
    expect(scriptTitle('\n  \n')).toBe('');
    expect(scriptTitle('x'.repeat(300)).length).toBe(100);
  });

  it('a scan agrees with parseRecording on counts for the same file', async () => {
    const { dir, settings } = tmpDirs();
    const events: TraceEvent[] = [];
    for (let i = 0; i < 3000; i++) events.push({ type: 'printf', t: i, text: `line ${i} "quoted" \\ ü\n` });
    events.push({ type: 'exit', t: 3000, code: 1, signal: null });
    const file = writeRec(dir, 'p', header(), [...events, { type: 'bogus', t: 1 }, 'not json' as unknown as object]);
    const parsed = parseRecording(fs.readFileSync(file, 'utf8'));
    const s = (await lib(dir, settings).list()).items[0];
    expect(s.printfLines).toBe(parsed.events.filter((e) => e.type === 'printf').length);
    expect(s.events).toBe(parsed.events.filter((e) => e.type !== 'exit').length);
    expect((await lib(dir, settings).open('p'))).toMatchObject({ invalidLines: parsed.invalid.length, torn: false });
  });
});
