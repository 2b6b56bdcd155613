// Runtime tier: a real profile recorded by the engine on this kernel (bpftrace 0.17, 2 s of
// `profile:hz:99 { @[kstack] = count(); }` plus a histogram and printf) exported to every
// format, each read back by its decoder and compared stack by stack with the recording.
import { Ajv } from 'ajv';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../backend.js';
import { runToEnd, type RunResult } from '../../test/support/runtime.js';
import type { Engine } from '../engine/sessions.js';
import { parseFoldedText } from './diff.js';
import { diffRecordings, exportRecording } from './index.js';
import { parseRecording } from '../recordings/writer.js';
import { lastStackMap, oracleFolded, pprofStacks, speedscopeStacks, sum, tmpDir } from '../../test/support/exports.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping export runtime tests: ${why}`);

const SCRIPT = `profile:hz:99 { @[kstack] = count(); }
tracepoint:syscalls:sys_exit_read /args->ret > 0/ { @bytes = hist(args->ret); }
interval:ms:500 { printf("tick %d\\n", elapsed / 1000000); }`;

describe.skipIf(why !== null)('exports of a real recorded profile', () => {
  let dir: string;
  let engine: Engine;
  let run: RunResult;
  let rec: string;

  beforeAll(async () => {
    dir = tmpDir('kscope-exports-runtime-');
    engine = createBackend({ recordingsDir: path.join(dir, 'recordings') }).engine;
    // Some CPU work in this process so the profile has user-space-triggered kernel stacks too.
    const busy = setInterval(() => {
      for (let i = 0; i < 50; i++) fs.readFileSync('/etc/passwd');
    }, 5);
    try {
      run = await runToEnd(engine, SCRIPT, { durationSec: 2, snapshotMs: 500 });
    } finally {
      clearInterval(busy);
    }
    rec = run.session.recordingPath!;
  });

  afterAll(async () => {
    if (engine) {
      engine.killAll();
      await engine.stopAll();
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('recorded a profile', () => {
    expect(run.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(sum(oracleFolded(lastStackMap(fs.readFileSync(rec, 'utf8'))))).toBeGreaterThan(50);
  });

  it('folded, speedscope and pprof read back with the same samples per stack', async () => {
    const want = oracleFolded(lastStackMap(fs.readFileSync(rec, 'utf8')));
    const out = (f: string) => path.join(dir, `profile.${f}`);
    await exportRecording(rec, 'folded', out('folded'));
    expect(parseFoldedText(fs.readFileSync(out('folded'), 'utf8')).stacks).toEqual(want);
    await exportRecording(rec, 'speedscope', out('speedscope.json'));
    const doc = JSON.parse(fs.readFileSync(out('speedscope.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(JSON.parse(fs.readFileSync('node_modules/speedscope/dist/release/file-format-schema.json', 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(speedscopeStacks(doc).get('@')).toEqual(want);
    await exportRecording(rec, 'pprof', out('pb.gz'));
    expect(pprofStacks(fs.readFileSync(out('pb.gz'))).stacks).toEqual(want);
  });

  it('chrome-trace, csv, svg and json are written and parse', async () => {
    for (const f of ['chrome-trace', 'csv', 'svg', 'json'] as const) {
      const file = path.join(dir, `profile-all.${f}`);
      const r = await exportRecording(rec, f, file);
      expect(r.bytes).toBe(fs.statSync(file).size);
      expect(r.bytes).toBeGreaterThan(100);
    }
    const trace = JSON.parse(fs.readFileSync(path.join(dir, 'profile-all.chrome-trace'), 'utf8'));
    const printfs = run.events.filter((e) => e.type === 'printf').length;
    expect(printfs).toBeGreaterThan(0);
    expect(trace.traceEvents.filter((e: { cat?: string }) => e.cat === 'printf')).toHaveLength(printfs);
    expect(fs.readFileSync(path.join(dir, 'profile-all.csv'), 'utf8')).toMatch(/^map,kind,key,value,bucket_min,bucket_max,count,average,total\r\n/);
    // json without --map: the recording with every print whole (a format-2 recording's prints
    // written as changes are rebuilt), under a format-1 header: the same events, print for print.
    const json = parseRecording(fs.readFileSync(path.join(dir, 'profile-all.json'), 'utf8'));
    const original = parseRecording(fs.readFileSync(rec, 'utf8'));
    expect(json.header.format).toBe(1);
    expect(json.invalid).toEqual([]);
    expect({ ...json.header, format: 0 }).toEqual({ ...original.header, format: 0 });
    expect(json.events).toEqual(original.events);
    expect(json.events).toEqual(run.events);
  });

  it('diffs against itself as all grey', async () => {
    const d = await diffRecordings(rec, rec);
    expect(d.totalA).toBe(d.totalB);
    const same = (n: typeof d.tree): boolean => n.a === n.b && (n.c ?? []).every(same);
    expect(same(d.tree)).toBe(true);
  });
});
