// The outputs that must not change when the exporters or the folded import get faster: every
// stack export (folded, speedscope, pprof's protobuf before gzip) of the real recordings in
// test/fixtures/exports and of the real fixtures imported (folded files from stackcollapse-perf.pl,
// perf script, bpftrace text), and the recordings those imports write. The files in
// test/fixtures/exports/reference were written by this module at commit bb142f9 (before the
// item-8 speed work): `node scripts/gen-export-references.mjs` writes them again from today's
// code, so run it only when an output is meant to change, and say why in the commit.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { ExportFormat, ImportFormat } from '../../common/contract/index.js';
import { exportRecording } from '../../node/exports/index.js';
import { importFile, writeRecordingTo } from '../../node/imports/index.js';

export const REFERENCE_DIR = path.resolve('test/fixtures/exports/reference');

const RECORDINGS = ['test/fixtures/exports/profile-a.ndjson', 'test/fixtures/exports/profile-b.ndjson'];
const IMPORTS: [string, ImportFormat][] = [
  ['test/fixtures/interop/perf-cpp.collapsed', 'folded'],
  ['test/fixtures/interop/perf-faults.collapsed', 'folded'],
  ['test/fixtures/interop/perf-java-inline.collapsed', 'folded'],
  ['test/fixtures/interop/flamegraph/profile-a.folded', 'folded'],
  ['test/fixtures/interop/flamegraph/profile-b.folded', 'folded'],
  ['test/fixtures/interop/flamegraph/edge-cases.folded', 'folded'],
  ['test/fixtures/interop/flamegraph/profile-a-b.difffolded', 'folded'],
  ['test/fixtures/imports/perf-script.folded', 'folded'],
  ['test/fixtures/imports/perf-script.txt', 'perf'],
  ['test/fixtures/interop/perf-cpp.txt', 'perf'],
  ['test/fixtures/interop/perf-faults-tid-period.txt', 'perf'],
  ['test/fixtures/imports/bpftrace-kstack-comm.txt', 'bpftrace-text'],
  ['test/fixtures/imports/bpftrace-ustack-dup.txt', 'bpftrace-text'],
];
const FORMATS: ExportFormat[] = ['folded', 'speedscope', 'pprof'];

async function exportBytes(rec: string, format: ExportFormat): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await exportRecording(rec, format, out);
  const b = Buffer.concat(chunks);
  // gzip's bytes belong to zlib's version; the profile inside is what must not change.
  return format === 'pprof' ? gunzipSync(b) : b;
}

/** Every reference output, by its file name in REFERENCE_DIR, from today's code. */
export async function referenceOutputs(tmp: string): Promise<Map<string, Buffer>> {
  const outs = new Map<string, Buffer>();
  const recs: [string, string][] = RECORDINGS.map((r) => [path.basename(r, '.ndjson'), r]);
  for (const [file, as] of IMPORTS) {
    const name = `import-${as}-${path.basename(file)}`;
    const r = importFile(file, as, { from: file });
    const rec = path.join(tmp, `${name}.ndjson`);
    writeRecordingTo(rec, { ...r.header, startedAt: '2026-01-01T00:00:00.000Z' }, r.events);
    outs.set(`${name}.ndjson`, fs.readFileSync(rec));
    recs.push([name, rec]);
  }
  for (const [name, rec] of recs) for (const f of FORMATS) outs.set(`${name}.${f === 'pprof' ? 'pprof.pb' : f === 'speedscope' ? 'speedscope.json' : 'folded'}`, await exportBytes(rec, f));
  return outs;
}
