import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../node/recordings/writer.js';
import { importCommand, IMPORT_HELP, type CommandIo } from './import.js';

const FIX = path.resolve(__dirname, '../test/fixtures/imports');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-cli-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function capture(stdin?: string): CommandIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (s: string) => void (io.stdout += s),
    err: (s: string) => void (io.stderr += s),
    stdin: () => stdin ?? '',
  };
  return io;
}

describe('kscope import', () => {
  it('imports a bpftrace text file into --output and prints the recording path', async () => {
    const io = capture();
    const out = path.join(tmp, 'lesson9.ndjson');
    expect(await importCommand([path.join(FIX, 'seed-lesson-9.txt'), '--output', out], io)).toBe(0);
    expect(io.stdout).toBe(out + '\n');
    // The two "[...]" lines of the article, by line number, then the summary.
    expect(io.stderr).toMatch(/seed-lesson-9\.txt:5: "\[\.\.\.\]": output left out/);
    expect(io.stderr).toMatch(/imported bpftrace-text from .*: @ \(2 keys\); 2 problems/);
    const rec = parseRecording(fs.readFileSync(out, 'utf8'));
    expect(rec.header.options).toMatchObject({ imported: { format: 'bpftrace-text' } });
    expect(rec.events.some((e) => e.type === 'map' && e.name === '@')).toBe(true);
  });

  it('weighs perf samples by period by default; --count-samples counts them, --raw-frames keeps frames as printed', async () => {
    const perf = path.resolve(__dirname, '../test/fixtures/interop/perf-java-inline.txt');
    const totals: Record<string, number> = {};
    for (const [name, flags] of [
      ['period', []],
      ['samples', ['--count-samples']],
      ['raw', ['--raw-frames']],
    ] as const) {
      const io = capture();
      const out = path.join(tmp, `perf-${name}.ndjson`);
      expect(await importCommand([perf, '-o', out, ...flags], io)).toBe(0);
      const rec = parseRecording(fs.readFileSync(out, 'utf8'));
      expect(rec.header.options).toMatchObject({ imported: { format: 'perf', perf: { weight: name === 'samples' ? 'samples' : 'period', rawFrames: name === 'raw' } } });
      const map = rec.events.find((e) => e.type === 'map')!;
      totals[name] = (map as { entries: { value: number }[] }).entries.reduce((a, e) => a + e.value, 0);
      const keys = (map as { entries: { key: string }[] }).entries.map((e) => e.key).join('');
      expect(keys.includes('->')).toBe(name === 'raw');
    }
    expect(totals).toEqual({ period: 1_500_000, samples: 3, raw: 1_500_000 });
    expect(IMPORT_HELP).toMatch(/--count-samples/);
  });

  it('takes --as over detection and reads stdin for "-"', async () => {
    const io = capture('main;a 3\nmain;b 4\n');
    const out = path.join(tmp, 'stdin.ndjson');
    expect(await importCommand(['-', '--as', 'folded', '-o', out, '--name', 'from a pipe'], io)).toBe(0);
    const rec = parseRecording(fs.readFileSync(out, 'utf8'));
    expect(rec.header.options).toEqual({ imported: { format: 'folded', from: 'stdin', name: 'from a pipe' } });
    expect(rec.header.script).toBe('// imported folded stacks from stdin');
  });

  it('lists malformed lines as FILE:LINE and still imports the rest (exit 0)', async () => {
    const file = path.join(tmp, 'bad.folded');
    fs.writeFileSync(file, 'main;a 3\nmain;b\nmain;c x\nmain;d 1\n');
    const io = capture();
    expect(await importCommand([file, '-o', path.join(tmp, 'bad.ndjson')], io)).toBe(0);
    expect(io.stderr.split('\n').filter((l) => l.startsWith(file))).toEqual([`${file}:2: no sample count: expected "frame;frame;... COUNT", got "main;b"`, `${file}:3: "x" is not a sample count (expected "frame;frame;... COUNT")`]);
  });

  it('exits 1 when nothing could be imported: empty, binary, unknown, missing', async () => {
    const empty = path.join(tmp, 'empty.txt');
    fs.writeFileSync(empty, '');
    const bin = path.join(tmp, 'garbage.bin');
    fs.writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0]));
    const letter = path.join(tmp, 'letter.txt');
    fs.writeFileSync(letter, 'Dear reader,\nthis is a letter.\n');
    const cases: [string, RegExp][] = [
      [empty, /the input is empty/],
      [bin, /binary data/],
      [letter, /could not tell what this text is/],
      [path.join(tmp, 'nope.txt'), /cannot read .*nope\.txt: no such file/],
    ];
    for (const [f, msg] of cases) {
      const io = capture();
      expect(await importCommand([f, '-o', path.join(tmp, 'x.ndjson')], io), f).toBe(1);
      expect(io.stderr).toMatch(msg);
      expect(io.stdout).toBe('');
    }
    const io = capture();
    const allBad = path.join(tmp, 'allbad.folded');
    fs.writeFileSync(allBad, 'no count\nstill none\n');
    expect(await importCommand([allBad, '--as', 'folded', '-o', path.join(tmp, 'y.ndjson')], io)).toBe(1);
    expect(io.stderr).toMatch(/allbad\.folded:1: "count" is not a sample count/);
    expect(io.stderr).toMatch(/nothing could be imported/);
    expect(fs.existsSync(path.join(tmp, 'y.ndjson'))).toBe(false);
  });

  it('exits 2 on usage errors, with the help', async () => {
    for (const argv of [[], ['a', 'b'], ['x', '--as', 'pprof'], ['x', '--bogus']]) {
      const io = capture();
      expect(await importCommand(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr).toMatch(/kscope import: /);
    }
    const io = capture();
    expect(await importCommand(['--help'], io)).toBe(0);
    expect(io.stdout).toBe(IMPORT_HELP + '\n');
  });

  it('writes into the recordings library when there is no --output', async () => {
    const io = capture();
    const prev = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = tmp;
    try {
      expect(await importCommand([path.join(FIX, 'perf-script.txt')], io)).toBe(0);
    } finally {
      if (prev === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = prev;
    }
    const written = io.stdout.trim();
    expect(path.dirname(written)).toBe(path.join(tmp, 'kscope', 'recordings'));
    expect(path.basename(written)).toMatch(/-import-perf-[0-9a-f]{6}\.ndjson$/);
  });
});
