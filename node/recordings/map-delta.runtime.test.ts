// Runtime tier: a real CPU profile (profile:hz:999 kernel stacks, plus a comm map) recorded in
// format 2 on bpftrace 0.17 and 0.27, under CPU load. Every print bpftrace made (as the
// engine decoded it, taken at the writer's door) must come back from the recording exactly:
// through parseRecording, the replay (scrubber) at each print's time, the library's listing,
// every export format and compare, which must give the same bytes as for the same events
// written in format 1 (full prints).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateEvent, TraceEvent } from '../../common/contract/index.js';
import { testedBpftraces } from '../engine/bpftrace-versions.js';
import { Engine } from '../engine/sessions.js';
import { diffRecordings, EXPORT_TYPES, exportRecording } from '../exports/index.js';
import { runToEnd, waitFor } from '../../test/support/runtime.js';
import { Replay } from './replay.js';
import { RecordingScanner } from './scan.js';
import { RecordingWriter } from './writer.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : null;
if (why) console.warn(`skipping map-delta runtime tests: ${why}`);
const versions = testedBpftraces().filter((v) => v.minor === '0.17' || v.minor === '0.27');
for (const v of versions) if (!v.bin) console.warn(`skipping map-delta runtime test on bpftrace ${v.minor}: ${v.why}`);

// @sc (cpu × 300 time buckets: hundreds of keys, well over the 4 KiB under which a map is
// always printed whole, printed every 200 ms by the snapshot probe) makes many deltas
// whatever the machine does; keyed by syscalls it stayed under 4 KiB on a quiet machine and
// never made one. @ (the stack map, printed by SIGUSR1 at its own cadence) makes fewer.
const SCRIPT = 'profile:hz:999 { @[kstack] = count(); @c[comm, cpu] = count(); @sc[cpu, (nsecs / 1000) % 300] = count(); }';
const isAgg = (e: TraceEvent): e is AggregateEvent => e.type === 'map' || e.type === 'hist' || e.type === 'stats';

describe.skipIf(why !== null)('profiles recorded as changes read back exactly', () => {
  let tmp: string;
  let engine: Engine;
  const oldBin = process.env.KSCOPE_BPFTRACE;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-delta-'));
    engine = new Engine({ kscopeVersion: 'test', recordingsDir: tmp, capabilities: () => ({}) });
  });
  afterAll(() => {
    if (oldBin === undefined) delete process.env.KSCOPE_BPFTRACE;
    else process.env.KSCOPE_BPFTRACE = oldBin;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const v of versions) {
    it.skipIf(!v.bin)(`bpftrace ${v.minor}: every print, replay, listing, exports and compare`, { timeout: 240_000 }, async () => {
      process.env.KSCOPE_BPFTRACE = v.bin!.path;
      // What bpftrace printed, as decoded: the events handed to the recording writer.
      const printed: TraceEvent[] = [];
      const original = RecordingWriter.prototype.append;
      RecordingWriter.prototype.append = function (events, onLine) {
        for (const e of events) printed.push(structuredClone(e));
        return original.call(this, events, onLine);
      };
      // CPU load, so the profile has stacks that change between prints.
      const load = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
      let r;
      try {
        // Until the recording holds changes of both maps (however slowly a loaded machine starts bpftrace), then Stop.
        r = await runToEnd(engine, SCRIPT, { snapshotMs: 200, durationSec: 120, mapKeysMax: 65536 }, async (s) => {
          const count = (re: RegExp) => (fs.existsSync(s.recordingPath!) ? fs.readFileSync(s.recordingPath!, 'utf8').match(re)?.length ?? 0 : 0);
          await waitFor(() => count(/^\{"type":"mapdelta","t":[0-9.]+,"name":"@sc"/gm) >= 5 && count(/^\{"type":"map(delta)?","t":[0-9.]+,"name":"@"/gm) >= 2, 'prints of @sc and @', 100_000, 250);
          await s.stop();
        });
      } finally {
        RecordingWriter.prototype.append = original;
        load.kill('SIGKILL');
      }
      const file = r.session.recordingPath!;
      const text = fs.readFileSync(file, 'utf8');
      expect(text.slice(0, 40)).toContain('"format":2');
      const lines = text.split('\n').filter(Boolean);
      const deltas = lines.filter((l) => l.startsWith('{"type":"mapdelta"')).length;
      expect(deltas).toBeGreaterThan(0); // the stack map was printed as changes

      // 1. parseRecording: the same events, every print exactly (order, keys, values).
      const prints = printed.filter(isAgg);
      expect(prints.filter((p) => p.name === '@').length).toBeGreaterThanOrEqual(2);
      expect(prints.filter((p) => p.name === '@sc').length).toBeGreaterThan(5);
      expect(r.recording.invalid).toEqual([]);
      // Every print to the byte (zod gives other events their schema's key order: compared as values).
      const back = r.events.filter(isAgg);
      expect(back.length).toBe(prints.length);
      const differ = back.findIndex((e, i) => JSON.stringify(e) !== JSON.stringify(prints[i]));
      expect(differ, `print ${differ} differs`).toBe(-1);
      expect(r.events).toEqual(printed);

      // The same events in format 1 (every print whole), the reference for what readers did before.
      const v1 = path.join(tmp, `v1-${v.minor}.ndjson`);
      const header = JSON.parse(lines[0]) as Record<string, unknown>;
      fs.writeFileSync(v1, [JSON.stringify({ ...header, format: 1 }), ...printed.map((e) => JSON.stringify(e))].join('\n') + '\n');
      expect(fs.statSync(file).size).toBeLessThan(fs.statSync(v1).size);

      // 2. The scrubber: the state at each print's time is that print.
      const replay = await Replay.open(file);
      const replay1 = await Replay.open(v1);
      expect(replay.info().frames).toEqual(replay1.info().frames);
      for (const t of replay.info().frames) {
        const a = replay.at(t, 10, 's');
        const b = replay1.at(t, 10, 's');
        const want = new Map<string, AggregateEvent>();
        for (const p of prints) if (p.t <= t) want.set(p.name, p);
        expect(a.maps).toEqual(b.maps);
        for (const m of a.maps) expect(JSON.stringify(m)).toBe(JSON.stringify(want.get(m.name)));
        expect(a.flames.map((f) => [f.name, f.t, f.total, f.stacks, JSON.stringify(f.tree)])).toEqual(b.flames.map((f) => [f.name, f.t, f.total, f.stacks, JSON.stringify(f.tree)]));
        for (const f of a.flames) expect(f.stacks).toBe((want.get(f.name) as { entries: unknown[] }).entries.length);
      }

      // 3. The library's listing: the same summary.
      const s2 = new RecordingScanner(false).scanFile(file).summary();
      const s1 = new RecordingScanner(false).scanFile(v1).summary();
      expect({ ...s2, bytes: 0, header: null }).toEqual({ ...s1, bytes: 0, header: null });

      // 4. Every export format: the same bytes as from the format-1 recording.
      // (json without a map: the recording itself, its prints rebuilt whole, as format 1.)
      const cases = [...Object.keys(EXPORT_TYPES).map((f) => [f, f === 'csv' || f === 'chrome-trace' || f === 'json' ? {} : { map: '@' }] as const), ['json', { map: '@c' }] as const];
      for (const [format, opts] of cases) {
        const out2 = path.join(tmp, `out2.${format}`);
        const out1 = path.join(tmp, `out1.${format}`);
        await exportRecording(file, format as keyof typeof EXPORT_TYPES, out2, opts);
        await exportRecording(v1, format as keyof typeof EXPORT_TYPES, out1, opts);
        expect(fs.readFileSync(out2).equals(fs.readFileSync(out1)), `${format} ${JSON.stringify(opts)}`).toBe(true);
      }
      // 5. Compare: the same differential flame graph.
      expect(await diffRecordings(file, v1)).toEqual(await diffRecordings(v1, v1));
    });
  }
});
