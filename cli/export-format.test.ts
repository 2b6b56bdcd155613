// `kscope export` and `kscope diff` as the CLI runs them (the functions behind the
// subcommands), with their output, messages and exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../node/recordings/writer.js';
import { RECORDING_FORMAT } from '../common/contract/index.js';
import { diffCommand, exportCommand, type CliIo } from './export.js';
import { parseFoldedText } from '../node/exports/diff.js';
import { collector, lastStackMap, oracleFolded, REC_A, REC_B, tmpDir, writeRecording } from '../test/support/exports.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function io(tty = false) {
  const out = collector();
  const err = collector();
  const s = out.stream as unknown as CliIo['stdout'];
  if (tty) s.isTTY = true;
  return { io: { stdout: s, stderr: err.stream } as CliIo, out: () => out.text(), outBytes: () => out.bytes(), err: () => err.text() };
}

describe('kscope export', () => {
  it('writes folded stacks to stdout', async () => {
    const t = io();
    expect(await exportCommand([REC_B, '--format', 'folded'], t.io)).toBe(0);
    expect(parseFoldedText(t.out()).stacks).toEqual(oracleFolded(lastStackMap(fs.readFileSync(REC_B, 'utf8'))));
    expect(t.err()).toBe('');
  });

  it('writes to --output and says so', async () => {
    const t = io();
    const out = path.join(dir, 'b.speedscope.json');
    expect(await exportCommand([REC_B, '-f', 'speedscope', '-o', out], t.io)).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).exporter).toBe('kscope export');
    expect(t.err()).toMatch(new RegExp(`wrote ${out} \\([\\d,]+ bytes, speedscope\\)`));
    expect(t.out()).toBe('');
  });

  it.each([
    [[], /which recording\?/],
    [[REC_A], /--format is required \(folded, speedscope, pprof, chrome-trace, csv, svg, json\)/],
    [[REC_A, '--format', 'png'], /unknown format png/],
    [[REC_A, REC_B, '--format', 'csv'], /one recording at a time/],
    [[REC_A, '--format', 'csv', '--bogus'], /Unknown option '--bogus'/],
  ])('usage errors exit 2 with a message and the usage: %j', async (argv, msg) => {
    const t = io();
    expect(await exportCommand(argv as string[], t.io)).toBe(2);
    expect(t.err()).toMatch(msg);
    expect(t.err()).toContain('kscope export REC.ndjson --format');
  });

  it('refuses binary pprof to a terminal', async () => {
    const t = io(true);
    expect(await exportCommand([REC_A, '--format', 'pprof'], t.io)).toBe(2);
    expect(t.err()).toMatch(/pprof is binary/);
    expect(t.outBytes().length).toBe(0);
  });

  it('failures exit 1 with the reason: no stacks, missing file, future format', async () => {
    const events = parseRecording(fs.readFileSync(REC_A, 'utf8')).events.filter((e) => !(e.type === 'map' && e.name === '@stacks'));
    const rec = writeRecording(path.join(dir, 'nostack.ndjson'), REC_A, events);
    let t = io();
    const out = path.join(dir, 'nostack.folded');
    expect(await exportCommand([rec, '--format', 'folded', '--output', out], t.io)).toBe(1);
    expect(t.err()).toBe('kscope export: this recording has no stack maps (maps keyed by kstack/ustack); folded needs stacks — try csv or json\n');
    expect(fs.existsSync(out)).toBe(false);
    t = io();
    expect(await exportCommand([path.join(dir, 'missing.ndjson'), '--format', 'csv'], t.io)).toBe(1);
    expect(t.err()).toBe(`kscope export: no such file: ${path.join(dir, 'missing.ndjson')}\n`);
    const future = path.join(dir, 'future.ndjson');
    const next = RECORDING_FORMAT + 1;
    fs.writeFileSync(future, fs.readFileSync(REC_A, 'utf8').replace(/"format":\d+/, `"format":${next}`));
    t = io();
    expect(await exportCommand([future, '--format', 'json'], t.io)).toBe(1);
    expect(t.err()).toContain(`recording format ${next} is newer than this kscope understands (${RECORDING_FORMAT}); update kscope`);
    expect(t.out()).toBe('');
  });
});

describe('kscope diff', () => {
  it('folded: "stack countA countB" lines', async () => {
    const t = io();
    expect(await diffCommand([REC_A, REC_B, '--format', 'folded'], t.io)).toBe(0);
    const a = oracleFolded(lastStackMap(fs.readFileSync(REC_A, 'utf8')));
    const b = oracleFolded(lastStackMap(fs.readFileSync(REC_B, 'utf8')));
    const lines = t.out().trimEnd().split('\n');
    expect(lines.length).toBe(new Set([...a.keys(), ...b.keys()]).size);
    for (const l of lines) {
      const m = /^(.*) (\d+) (\d+)$/.exec(l)!;
      expect([Number(m[2]), Number(m[3])]).toEqual([a.get(m[1]) ?? 0, b.get(m[1]) ?? 0]);
    }
  });

  it('svg to --output', async () => {
    const t = io();
    const out = path.join(dir, 'diff.svg');
    expect(await diffCommand([REC_A, REC_B, '--format', 'svg', '--output', out], t.io)).toBe(0);
    const svg = fs.readFileSync(out, 'utf8');
    expect(svg).toContain('Differential Flame Graph: @stacks → @stacks');
    expect(svg).toMatch(/fill="rgb\(255,\d+,\d+\)"/);
    expect(svg).toMatch(/fill="rgb\(\d+,\d+,255\)"/);
  });

  it('usage and failures', async () => {
    let t = io();
    expect(await diffCommand([REC_A], t.io)).toBe(2);
    expect(t.err()).toMatch(/diff compares two recordings/);
    t = io();
    expect(await diffCommand([REC_A, REC_B, '--format', 'pprof'], t.io)).toBe(2);
    t = io();
    expect(await diffCommand([REC_A, REC_B, '--map-a', '@cpu'], t.io)).toBe(1);
    expect(t.err()).toMatch(/@cpu is not a stack map/);
  });
});

describe('output paths', () => {
  it('a missing folder or a folder as --output is a clear failure', async () => {
    let t = io();
    expect(await exportCommand([REC_A, '--format', 'csv', '--output', path.join(dir, 'nope', 'x.csv')], t.io)).toBe(1);
    expect(t.err()).toBe(`kscope export: cannot write ${path.join(dir, 'nope', 'x.csv')}: the folder ${path.join(dir, 'nope')} does not exist\n`);
    t = io();
    expect(await exportCommand([REC_A, '--format', 'csv', '--output', dir], t.io)).toBe(1);
    expect(t.err()).toMatch(/it is a folder; name a file/);
  });
});
