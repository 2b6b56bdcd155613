// import(export(x)) gives the same totals per stack, for folded: the exporter is
// node/exports (the same code behind `kscope export` and the UI's Export menu).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MapEvent, TraceEvent } from '../../common/contract/index.js';
import { StdoutDecoder } from '../engine/decode-stdout.js';
import { RecordingWriter } from '../recordings/writer.js';
import { exportRecording } from '../exports/index.js';
import { importFile, importText, writeRecording } from './index.js';
import { fixture, foldEvent, mapEvents, treeToFolded } from '../../test/support/imports.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-roundtrip-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The last print of every stack map in a recording, folded by the engine: path → samples. */
function stackTotals(events: readonly TraceEvent[]): Map<string, number> {
  const last = new Map<string, MapEvent>();
  for (const e of mapEvents(events)) last.set(e.name, e);
  const out = new Map<string, number>();
  for (const e of last.values()) for (const [k, v] of treeToFolded(foldEvent(e))) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

async function exportThenImport(rec: string, name: string) {
  const folded = path.join(tmp, `${name}.folded`);
  await exportRecording(rec, 'folded', folded);
  return { folded, back: importFile(folded, 'folded') };
}

describe('folded round trip: import(export(x))', () => {
  it('an imported folded file (perf stackcollapse of a real profile) comes back stack for stack', async () => {
    const first = importText(fixture('perf-script.folded'), 'folded');
    const rec = writeRecording(tmp, first.header, first.events);
    const { folded, back } = await exportThenImport(rec, 'perf-collapsed');
    expect(back.problems).toEqual([]);
    expect(stackTotals(back.events)).toEqual(stackTotals(first.events));
    // The same lines as the original, in some order.
    const lines = (t: string) => t.split('\n').filter(Boolean).sort();
    expect(lines(fs.readFileSync(folded, 'utf8'))).toEqual(lines(fixture('perf-script.folded')));
  });

  it('a [kstack, comm] map from bpftrace text output keeps its totals per stack and per comm', async () => {
    const first = importText(fixture('bpftrace-kstack-comm.txt'), 'bpftrace-text');
    const rec = writeRecording(tmp, first.header, first.events);
    const { back } = await exportThenImport(rec, 'kstack-comm');
    const want = stackTotals(first.events);
    expect(want.size).toBeGreaterThan(1);
    expect(stackTotals(back.events)).toEqual(want);
  });

  it('a recording of a real bpftrace run (-f json, @[kstack, comm]) comes back with the same totals', async () => {
    const dec = new StdoutDecoder();
    const json = fs.readFileSync(path.resolve(__dirname, '../../test/fixtures/bpftrace-0.17/kstack.stdout.ndjson'), 'utf8');
    const events = [...dec.push(json, 5), ...dec.end(5)];
    const rec = path.join(tmp, 'run.ndjson');
    const w = new RecordingWriter(rec, {
      type: 'header',
      format: 1,
      script: 'profile:hz:199 { @[kstack, comm] = count(); }',
      options: {},
      bpftraceVersion: '0.17.0',
      kernelRelease: '6.18',
      startedAt: new Date(0).toISOString(),
    });
    w.append([...events, { type: 'exit', t: 10, code: 0, signal: null }]);
    w.close();
    const { back } = await exportThenImport(rec, 'run');
    const want = stackTotals(events);
    expect(want.size).toBeGreaterThan(0);
    expect(stackTotals(back.events)).toEqual(want);
  });

  it('a perf script import (one map per event, grouped by comm) comes back with the same totals', async () => {
    const first = importText(fixture('perf-script.txt'), 'perf');
    const rec = writeRecording(tmp, first.header, first.events);
    const { back } = await exportThenImport(rec, 'perf');
    expect(stackTotals(back.events)).toEqual(stackTotals(first.events));
  });
});
