import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IMPORT_FORMATS, RECORDING_FORMAT, RecordingHeader, TraceEvent } from '../../common/contract/index.js';
import { LiveState } from '../engine/live-state.js';
import { parseRecording } from '../recordings/writer.js';
import { detectImportFormat, importFile, ImportError, ImportStream, importText, writeRecording } from './index.js';
import { fixture, IMPORT_FIXTURES, mapEvents } from '../../test/support/imports.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-imports-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('detectImportFormat', () => {
  it('tells the three formats apart on real samples', () => {
    expect(detectImportFormat(fixture('perf-script.folded'))).toBe('folded');
    expect(detectImportFormat(fixture('perf-script.txt'))).toBe('perf');
    expect(detectImportFormat(fixture('perf-script-two-events.txt'))).toBe('perf');
    for (const f of ['bpftrace-count-hist.txt', 'bpftrace-kstack.txt', 'bpftrace-interval.txt', 'seed-lesson-5.txt', 'seed-lesson-9.txt', 'json-twin-stats.txt']) {
      expect(detectImportFormat(fixture(f)), f).toBe('bpftrace-text');
    }
  });

  it('says null for empty, binary and unrelated text', () => {
    expect(detectImportFormat('')).toBeNull();
    expect(detectImportFormat('\n\n  \n')).toBeNull();
    expect(detectImportFormat('\u0000\u0001\u0002ELF')).toBeNull();
    expect(detectImportFormat('Dear reader,\nthis is a letter.\n')).toBeNull();
  });
});

describe('importText', () => {
  it('makes a recording header saying what was imported from where', () => {
    const r = importText(fixture('seed-lesson-9.txt'), undefined, { from: 'seed-lesson-9.txt', name: 'lesson 9' });
    expect(r.format).toBe('bpftrace-text');
    expect(RecordingHeader.parse(r.header)).toEqual(r.header);
    expect(r.header).toMatchObject({
      type: 'header',
      format: RECORDING_FORMAT,
      options: { imported: { format: 'bpftrace-text', from: 'seed-lesson-9.txt', name: 'lesson 9' } },
      bpftraceVersion: null,
      kernelRelease: '',
    });
    expect(r.header.script.split('\n')).toEqual(['// imported bpftrace text output from seed-lesson-9.txt', "profile:hz:99 { @[kstack] = count(); }"]);
    expect(Number.isNaN(Date.parse(r.header.startedAt))).toBe(false);
    // It ends with an exit, so the library does not call it interrupted.
    expect(r.events[r.events.length - 1]).toMatchObject({ type: 'exit', code: 0 });
  });

  it('gives events the recording schema accepts, for every fixture', () => {
    for (const f of fs.readdirSync(IMPORT_FIXTURES).filter((n) => !n.endsWith('.bt'))) {
      const r = importText(fixture(f));
      for (const e of r.events) expect(TraceEvent.safeParse(e).success, `${f}: ${JSON.stringify(e).slice(0, 200)}`).toBe(true);
      expect(r.events.filter((e) => e.type !== 'exit' && e.type !== 'attached').length, f).toBeGreaterThan(0);
    }
  });

  it('honours --as over detection', () => {
    // "a 1" lines would pass for folded; as bpftrace text they are printf lines.
    const r = importText('a 1\nb 2\n', 'bpftrace-text');
    expect(r.format).toBe('bpftrace-text');
    expect(r.events.filter((e) => e.type === 'printf')).toHaveLength(2);
    expect(importText('a 1\nb 2\n').format).toBe('folded');
  });

  it('refuses empty input and binary garbage with a clear message', () => {
    expect(() => importText('')).toThrow(/the input is empty/);
    expect(() => importText('   \n\n')).toThrow(ImportError);
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('utf8');
    expect(() => importText(garbage)).toThrow(/binary data/);
    for (const as of IMPORT_FORMATS) expect(() => importText('\u0000\u0000\u0000', as)).toThrow(/binary data/);
  });

  it('refuses text it cannot place, and text where nothing could be read, listing the problems', () => {
    expect(() => importText('Dear reader,\nthis is a letter.\n')).toThrow(/could not tell what this text is.*--as/);
    try {
      importText('no counts here\nnor here\n', 'folded');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ImportError);
      expect((e as ImportError).message).toMatch(/nothing could be imported as folded stacks: 2 problems, the first on line 1/);
      expect((e as ImportError).problems.map((p) => p.line)).toEqual([1, 2]);
    }
  });
});

describe('writeRecording and importFile', () => {
  it('writes a recording the engine reads back: header, events, and a stack map that folds like a live one', () => {
    const r = importText(fixture('perf-script.txt'), undefined, { from: 'perf-script.txt' });
    const file = writeRecording(tmp, r.header, r.events);
    expect(path.dirname(file)).toBe(tmp);
    expect(path.basename(file)).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-import-perf-[0-9a-f]{6}\.ndjson$/);
    const back = parseRecording(fs.readFileSync(file, 'utf8'));
    expect(back.invalid).toEqual([]);
    expect(back.torn).toBe(false);
    expect(back.header).toEqual(r.header);
    expect(back.events).toEqual(r.events);
    // The library reads type, t and name from a line's first bytes, in that order.
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines[1]).toMatch(/^\{"type":"map","t":\d+,"name":"@cpu_clock",/);
    const live = new LiveState();
    live.apply(back.events);
    expect(live.take().flames.map((f) => f.name)).toEqual(['@cpu_clock']);
  });

  it('importFile reads in chunks and gives what importText gives (big enough to take several chunks)', () => {
    // ~3 MiB of folded stacks built from the real sample, with CRLF line ends and a bad line.
    const base = fixture('perf-script.folded').trimEnd().split('\n');
    const lines: string[] = [];
    for (let i = 0, bytes = 0; bytes < 3 * 1024 * 1024; i++) {
      lines.push(base[i % base.length].replace(/^(\S+?);/, `$1-${i % 97};`));
      bytes += lines[lines.length - 1].length + 2;
    }
    lines.splice(1234, 0, 'this line has no count');
    const text = lines.join('\r\n') + '\r\n';
    const file = path.join(tmp, 'big.folded');
    fs.writeFileSync(file, text);
    const fromFile = importFile(file);
    const fromText = importText(text, undefined, { from: file });
    expect(fromFile.format).toBe('folded');
    expect(fromFile.problems).toEqual([{ line: 1235, reason: expect.stringMatching(/"count" is not a sample count/) }]);
    expect(fromFile.problems).toEqual(fromText.problems);
    expect(mapEvents(fromFile.events)[0].entries).toEqual(mapEvents(fromText.events)[0].entries);
    expect(fromFile.header.options).toEqual({ imported: { format: 'folded', from: file } });
    // A map this big is written entry by entry: the bytes must still be JSON.stringify's.
    expect(mapEvents(fromFile.events)[0].entries.length).toBeGreaterThan(1000);
    const rec = writeRecording(tmp, fromFile.header, fromFile.events);
    const want = [fromFile.header, ...fromFile.events].map((e) => JSON.stringify(e) + '\n').join('');
    expect(fs.readFileSync(rec, 'utf8') === want).toBe(true);
  });

  it('ImportStream gives the same events whatever the chunks, for every format, detected or named', () => {
    for (const f of ['perf-script.txt', 'bpftrace-kstack-comm.txt', 'bpftrace-interval.txt', 'seed-lesson-7.txt', 'perf-script.folded']) {
      const text = fixture(f);
      const whole = importText(text);
      for (const size of [3, 997, 70_000]) {
        for (const as of [undefined, whole.format]) {
          const s = new ImportStream(as);
          for (let i = 0; i < text.length; i += size) s.push(text.slice(i, i + size));
          const r = s.end();
          expect(r.format, f).toBe(whole.format);
          expect(r.events, `${f} in ${size}-char chunks`).toEqual(whole.events);
          expect(r.problems).toEqual(whole.problems);
        }
      }
    }
  });

  it('importFile detects small files too, and refuses a binary file', () => {
    expect(importFile(path.join(IMPORT_FIXTURES, 'seed-lesson-11.txt')).format).toBe('bpftrace-text');
    const bin = path.join(tmp, 'x.bin');
    fs.writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
    expect(() => importFile(bin)).toThrow(/binary data/);
  });
});
