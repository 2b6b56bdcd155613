// Our folded, speedscope, pprof and chrome-trace (its sampled stacks) exports handed to speedscope's own importer (the real app,
// in Chromium): the stacks it builds and its totals equal the recording's, stack by stack.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRecording } from '../node/exports/index.js';
import { collector, lastStackMap, oracleFolded, REC_A, REC_B, sum, tmpDir } from '../test/support/exports.js';
import { importFile, writeRecordingTo } from '../node/imports/index.js';
import { e2eSkipReason } from './serve.js';
import { openSpeedscope, type SpeedscopeReader } from './speedscope-reader.js';

const skip = e2eSkipReason();
if (skip) console.log(`speedscope interop skipped: ${skip}`);

async function exported(rec: string, format: 'folded' | 'speedscope' | 'pprof' | 'chrome-trace'): Promise<Buffer> {
  const c = collector();
  await exportRecording(rec, format, c.stream);
  return c.bytes();
}

describe.skipIf(skip !== null)('speedscope imports our exports with equal stacks and totals', () => {
  let reader: SpeedscopeReader;
  const dir = tmpDir('kscope-interop-');
  // A perf import too: stacks weighted by period (page-faults' varying periods), tidied frames.
  const perfRec = path.join(dir, 'perf-faults.ndjson');
  beforeAll(async () => {
    const r = importFile(path.resolve('test/fixtures/interop/perf-faults.txt'));
    writeRecordingTo(perfRec, r.header, r.events);
    reader = await openSpeedscope();
  }, 60_000);
  afterAll(async () => {
    await reader?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a cpu-clock perf import weighted by period shows as nanoseconds in speedscope and from pprof', async () => {
    const r = importFile(path.resolve('test/fixtures/interop/perf-cpp.txt'));
    const rec = writeRecordingTo(path.join(dir, 'perf-cpp.ndjson'), r.header, r.events);
    const want = oracleFolded(lastStackMap(fs.readFileSync(rec, 'utf8')));
    for (const [format, ext] of [
      ['speedscope', 'speedscope.json'],
      ['pprof', 'pb.gz'],
    ] as const) {
      const [p] = await reader.read(`kscope.${ext}`, await exported(rec, format));
      expect([format, p.unit]).toEqual([format, 'nanoseconds']);
      expect(p.stacks).toEqual(want);
    }
  });

  const recs = [REC_A, REC_B, perfRec];
  for (const i of [0, 1, 2]) {
    for (const format of ['folded', 'speedscope', 'pprof', 'chrome-trace'] as const) {
      it(`${format} of ${['profile-a', 'profile-b', 'perf-faults import'][i]}`, async () => {
        const rec = recs[i];
        const want = oracleFolded(lastStackMap(fs.readFileSync(rec, 'utf8')));
        const ext = { folded: 'folded.txt', speedscope: 'speedscope.json', pprof: 'pb.gz', 'chrome-trace': 'trace.json' }[format];
        const profiles = await reader.read(`kscope.${ext}`, await exported(rec, format));
        expect(profiles).toHaveLength(1);
        // A profile:hz:99 recording's pprof carries cpu/nanoseconds last, the type pprof readers
        // show by default: each sample is 1e9/99 ns (rounded, as the export writes it).
        const hz = /profile:hz:(\d+)/.exec(fs.readFileSync(rec, 'utf8').split('\n')[0]);
        const scale = format === 'pprof' && hz ? Math.round(1e9 / Number(hz[1])) : 1;
        if (scale !== 1) expect(profiles[0].unit).toBe('nanoseconds');
        expect(profiles[0].stacks).toEqual(new Map([...want].map(([k, v]) => [k, v * scale])));
        expect(profiles[0].total).toBe(sum(want) * scale);
      });
    }
  }
});
