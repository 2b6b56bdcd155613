// Lines of any length: the scanner delivers short lines whole and long ones as head + length,
// in one pass, whatever the slice size (a 40 MB line scanned in 1 MB slices used to restart
// forever); the library lists such a recording correctly; files without a newline end.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanRecording as scanForExport } from './recording-stream.js';
import { RecordingsLibrary } from './library.js';
import { scanLines } from './lines.js';
import { RecordingScanner } from './scan.js';
import { header, tmpDirs } from '../../test/support/recordings.js';

/** Lines as an oracle sees them: split on \n, with offsets. */
function oracle(bytes: Buffer): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) {
    out.push({ offset: start, length: i - start });
    start = i + 1;
  }
  return out;
}

describe('scanLines', () => {
  it('agrees with a plain split on random files, for every chunk, slice and line cap', () => {
    const { root } = tmpDirs();
    fs.mkdirSync(root, { recursive: true });
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let round = 0; round < 60; round++) {
      const parts: string[] = [];
      const lines = 1 + rnd(30);
      for (let i = 0; i < lines; i++) parts.push('x'.repeat(rnd(3) === 0 ? rnd(300) : rnd(20)) + (i < lines - 1 || rnd(2) ? '\n' : ''));
      const bytes = Buffer.from(parts.join(''));
      const file = path.join(root, `r${round}`);
      fs.writeFileSync(file, bytes);
      const chunk = 1 + rnd(64);
      const maxLine = chunk + rnd(128);
      const slice = 1 + rnd(200);
      const got: { offset: number; length: number; head?: string }[] = [];
      const fd = fs.openSync(file, 'r');
      let from = 0;
      let end;
      let slices = 0;
      for (;;) {
        end = scanLines(
          fd,
          from,
          (buf, s, e, off) => {
            expect(buf.toString('utf8', s, e)).toBe(bytes.toString('utf8', off, off + e - s));
            got.push({ offset: off, length: e - s });
          },
          chunk,
          slice,
          (head, off, len) => {
            expect(head.toString()).toBe(bytes.toString('utf8', off, off + head.length));
            got.push({ offset: off, length: len });
          },
          maxLine,
        );
        slices++;
        expect(slices).toBeLessThan(bytes.length + 2); // every slice makes progress
        if (end.eof) break;
        expect(end.end).toBeGreaterThan(from);
        from = end.end;
      }
      fs.closeSync(fd);
      expect(got).toEqual(oracle(bytes));
      const lastNl = bytes.lastIndexOf(10) + 1;
      expect(end.end).toBe(lastNl);
      expect(end.tailBytes).toBe(bytes.length - lastNl);
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
});

/** `{"type":"map",...}` with `n` stack keys, written in pieces: the line is never one string here. */
function writeHugeStackMap(fd: number, name: string, n: number, t: number): void {
  fs.writeSync(fd, `{"type":"map","t":${t},"name":${JSON.stringify(name)},"entries":[`);
  const frames = Array.from({ length: 30 }, (_, i) => `        some_kernel_function_${i}+${i * 7}`).join('\n');
  const batch: string[] = [];
  for (let i = 0; i < n; i++) {
    batch.push((i ? ',' : '') + JSON.stringify({ key: `\n${frames}\n        leaf_${i}+1\n`, value: i + 1 }));
    if (batch.length === 2000) fs.writeSync(fd, batch.splice(0).join(''));
  }
  fs.writeSync(fd, batch.join('') + '],"snapshot":false}\n');
}

describe('a recording with a 40 MB line', () => {
  const { dir, settings } = tmpDirs();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'big.ndjson');
  const N = 40_000; // ~1 KB a key: a ~42 MB line, over the 32 MiB slice and the 16 MiB line cap
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, JSON.stringify(header({ script: 'profile:hz:99 { @s[kstack] = count(); }' })) + '\n');
  fs.writeSync(fd, JSON.stringify({ type: 'printf', t: 1, text: 'before\n' }) + '\n');
  writeHugeStackMap(fd, '@s', N, 1000);
  fs.writeSync(fd, JSON.stringify({ type: 'map', t: 1001, name: '@c', entries: [{ key: 'bash', value: 3 }], snapshot: false }) + '\n');
  fs.writeSync(fd, JSON.stringify({ type: 'printf', t: 1002, text: 'after\n' }) + '\n');
  fs.writeSync(fd, JSON.stringify({ type: 'exit', t: 1003, code: 0, signal: 'SIGINT' }) + '\n');
  fs.closeSync(fd);

  it('is listed with every event, its stack map recognised, in 1 MB slices too', async () => {
    expect(fs.statSync(file).size).toBeGreaterThan(40e6);
    const r = await new RecordingsLibrary({ dir, settingsPath: settings, writing: () => [], checkOtherProcesses: false }).list();
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ events: 4, printfLines: 2, maps: ['@s', '@c'], stackMaps: ['@s'], exit: { code: 0, signal: 'SIGINT' }, interrupted: false });
    const sliced = await new RecordingScanner(true).scanFileAsync(file, 1 << 20);
    expect(sliced.summary()).toMatchObject({ events: 4, printfLines: 2, stackMaps: ['@s'], invalidLines: 0, tailBytes: 0 });
    expect(sliced.index!.maps.get('@s')!.lines.length).toBe(1);
  });

  it('exports read it whole and exactly (every key, every count)', async () => {
    const scan = await scanForExport(file);
    const m = scan.last.get('@s')!;
    expect(m.entries).toHaveLength(N);
    expect(m.entries.reduce((s, e) => s + Number((e as { value: number }).value), 0)).toBe((N * (N + 1)) / 2);
    expect(scan.invalidCount).toBe(0);
  });
});

describe('files without a newline', () => {
  it('20 MB of zeros after a header: listed as interrupted with its size, nothing parsed', async () => {
    const { dir, settings } = tmpDirs();
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'zeros.ndjson');
    fs.writeFileSync(file, JSON.stringify(header()) + '\n');
    fs.appendFileSync(file, Buffer.alloc(20 << 20));
    const r = await new RecordingsLibrary({ dir, settingsPath: settings, writing: () => [], checkOtherProcesses: false }).list();
    expect(r.items[0]).toMatchObject({ events: 0, interrupted: true, bytes: fs.statSync(file).size });
  });

  it('a 20 MB first line is unreadable, not a hang', async () => {
    const { dir, settings } = tmpDirs();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'x.ndjson'), 'x'.repeat(20 << 20) + '\n{}\n');
    const r = await new RecordingsLibrary({ dir, settingsPath: settings, writing: () => [], checkOtherProcesses: false }).list();
    expect(r.items[0].name).toMatch(/^unreadable: /);
  });
});

describe('exports over hostile files', () => {
  it('a recording whose body is 40 MB without a newline is read in bounded memory: torn, nothing invented', async () => {
    const { root } = tmpDirs();
    fs.mkdirSync(root, { recursive: true });
    const file = path.join(root, 'zeros.ndjson');
    fs.writeFileSync(file, JSON.stringify(header()) + '\n' + JSON.stringify({ type: 'printf', t: 1, text: 'x\n' }) + '\n');
    fs.appendFileSync(file, Buffer.alloc(40 << 20, 0x41));
    const before = process.memoryUsage().rss;
    const scan = await scanForExport(file);
    expect(scan).toMatchObject({ events: 1, torn: true, invalidCount: 0 });
    // Not a time: memory. The 40 MB tail was not gathered (the cap is 16 MiB; allow slack).
    expect(process.memoryUsage().rss - before).toBeLessThan(36 << 20);
    fs.appendFileSync(file, '\n' + JSON.stringify({ type: 'printf', t: 2, text: 'y\n' }) + '\n');
    const again = await scanForExport(file);
    expect(again).toMatchObject({ events: 2, torn: false, invalidCount: 1 });
    expect(again.invalid[0].reason).toMatch(/that is not a map print/);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
