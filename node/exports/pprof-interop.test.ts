// Our pprof handed to `go tool pprof` (Debian's golang-go): `-raw` lists every sample's values
// and locations, which must give the recording's stacks with exact counts (beyond 2^53 too,
// and fractional counts scaled, never truncated); no "Main binary filename not available".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportRecording } from './index.js';
import { lastStackMap, oracleFolded, REC_A, REC_B, tmpDir } from '../../test/support/exports.js';
import { importFile, importText, writeRecordingTo } from '../imports/index.js';

function goSkipReason(): string | null {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'go is not installed (apt-get install golang-go; scripts/setup.sh installs it)';
}
const skip = goSkipReason();
if (skip) console.log(`go tool pprof interop skipped: ${skip}`);

const dir = tmpDir('kscope-pprof-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Raw {
  types: string[];
  period: string;
  /** Root-first stack → values (exact, as go prints them). */
  stacks: Map<string, bigint[]>;
  mainFile: string | null;
  stderr: string;
}

function goPprof(args: string[], file: string): { stdout: string; stderr: string } {
  const r = spawnSync('go', ['tool', 'pprof', ...args, file], { encoding: 'utf8', env: { ...process.env, HOME: dir, PPROF_TMPDIR: dir } });
  if (r.status !== 0) throw new Error(`go tool pprof ${args.join(' ')} failed: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** `go tool pprof -raw`'s text: sample values and location ids, then each location's function. */
function readRaw(file: string): Raw {
  const { stdout, stderr } = goPprof(['-raw'], file);
  const lines = stdout.split('\n');
  const types = (lines[lines.findIndex((l) => l === 'Samples:') + 1] ?? '').trim().split(/\s+/);
  const period = /^Period: (\d+)/m.exec(stdout)?.[1] ?? '';
  const names = new Map<string, string>();
  const locAt = lines.indexOf('Locations');
  const mapAt = lines.indexOf('Mappings');
  for (const l of lines.slice(locAt + 1, mapAt)) {
    const m = /^\s*(\d+): 0x[0-9a-f]+(?: M=\d+)? (.*) \S*:\d+(?::\d+)? s=\d+$/.exec(l);
    if (m) names.set(m[1], m[2]);
  }
  const stacks = new Map<string, bigint[]>();
  for (const l of lines.slice(lines.indexOf('Samples:') + 2, locAt)) {
    const m = /^\s*([\d\s]+):((?:\s+\d+)*)\s*$/.exec(l);
    if (!m) continue;
    const values = m[1].trim().split(/\s+/).map(BigInt);
    const k = m[2].trim().split(/\s+/).map((id) => names.get(id)!).reverse().join(';');
    const prev = stacks.get(k);
    stacks.set(k, prev ? prev.map((v, i) => v + values[i]) : values);
  }
  const mainFile = /^\s*1: 0x[0-9a-f]+\/0x[0-9a-f]+\/0x[0-9a-f]+ (\S+)/m.exec(stdout.slice(stdout.indexOf('Mappings')))?.[1] ?? null;
  return { types, period, stacks, mainFile, stderr };
}

async function pprofOf(rec: string): Promise<{ file: string; warnings: string[] }> {
  const file = path.join(dir, path.basename(rec) + '.pb.gz');
  const r = await exportRecording(rec, 'pprof', file);
  return { file, warnings: r.warnings };
}

function recordingOf(name: string, text: string): string {
  const r = importText(text, 'folded', { name });
  return writeRecordingTo(path.join(dir, name + '.ndjson'), r.header, r.events);
}

describe.skipIf(skip !== null)('go tool pprof reads our pprof exactly', () => {
  it.each([REC_A, REC_B])('%s: every stack with its count and cpu nanoseconds, a main binary', async (rec) => {
    const want = oracleFolded(lastStackMap(fs.readFileSync(rec, 'utf8')));
    const { file } = await pprofOf(rec);
    const raw = readRaw(file);
    expect(raw.types).toEqual(['samples/count', 'cpu/nanoseconds']);
    expect(raw.period).toBe(String(Math.round(1e9 / 99)));
    expect(new Map([...raw.stacks].map(([k, v]) => [k, Number(v[0])]))).toEqual(want);
    for (const v of raw.stacks.values()) expect(v[1]).toBe(v[0] * BigInt(raw.period));
    expect(raw.mainFile).toBe('[kernel.kallsyms]');
    const top = goPprof(['-top'], file);
    expect(top.stdout + top.stderr).not.toMatch(/Main binary filename not available/);
  });

  it('a perf import: weighted by period, in nanoseconds for a clock event, a main binary', async () => {
    const r = importFile(path.resolve('test/fixtures/interop/perf-cpp.txt'));
    const rec = writeRecordingTo(path.join(dir, 'perf-cpp.ndjson'), r.header, r.events);
    const want = oracleFolded(lastStackMap(fs.readFileSync(rec, 'utf8')));
    const raw = readRaw((await pprofOf(rec)).file);
    // cpu-clock weighted by period: CPU nanoseconds, as pprof and Pyroscope show CPU profiles.
    expect(raw.types).toEqual(['cpu/nanoseconds']);
    expect(new Map([...raw.stacks].map(([k, v]) => [k, Number(v[0])]))).toEqual(want);
    expect(raw.mainFile).toBe('perf-cpp.txt');
  });

  it('frames that name their binary get its mapping', async () => {
    // Real perf script from this machine: JIT frames "[unknown] (/tmp/perf-25573.map)" import as "[perf-25573.map]".
    const r = importFile(path.resolve('test/fixtures/imports/perf-script.txt'));
    const rec = writeRecordingTo(path.join(dir, 'perf-script.ndjson'), r.header, r.events);
    const { stdout } = goPprof(['-raw'], (await pprofOf(rec)).file);
    const maps = new Map([...stdout.slice(stdout.indexOf('\nMappings')).matchAll(/^\s*(\d+): 0x[0-9a-f]+\/0x[0-9a-f]+\/0x[0-9a-f]+ (\S+)/gm)].map((m) => [m[2], m[1]]));
    expect(maps.get('perf-script.txt')).toBe('1');
    expect(maps.has('perf-25573.map')).toBe(true);
    const locs = [...stdout.matchAll(/^\s*\d+: 0x[0-9a-f]+ M=(\d+) (.*) \S*:\d+(?::\d+)? s=\d+$/gm)];
    const jit = locs.filter((m) => m[2] === '[perf-25573.map]');
    expect(jit).toHaveLength(1);
    expect(jit[0][1]).toBe(maps.get('perf-25573.map'));
    expect(locs.filter((m) => m[2] === 'exc_page_fault').map((m) => m[1])).toEqual(['1']); // no binary named: the main mapping
  });

  it('counts beyond 2^53 stay exact end to end: folded import → recording → pprof', async () => {
    const big = 2n ** 60n + 7n;
    const rec = recordingOf('big', `main;huge ${big}\nmain;huge 1\nmain;small 3\n`);
    const { file, warnings } = await pprofOf(rec);
    expect(warnings).toEqual([]);
    const raw = readRaw(file);
    expect(raw.stacks.get('main;huge')).toEqual([big + 1n]);
    expect(raw.stacks.get('main;small')).toEqual([3n]);
  });

  it('fractional counts are scaled (and said so), not truncated: 334.618 stays 334.618', async () => {
    const rec = recordingOf('frac', 'a;b 334.618\na;c 1.5\n');
    const { file, warnings } = await pprofOf(rec);
    expect(warnings.join('\n')).toMatch(/multiplied by 1000/);
    const raw = readRaw(file);
    expect(raw.types).toEqual(['samples/count/1000']);
    expect(raw.stacks.get('a;b')).toEqual([334618n]);
    expect(raw.stacks.get('a;c')).toEqual([1500n]);
  });
});
