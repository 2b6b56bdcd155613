// The recordings library over a recording with a 100 MB line (a 100k-stack map print):
// `list()` (a fresh library, no cache) vs the floor, reading the same file in 1 MiB chunks and
// counting newlines. Aim: listed in under a second. Median of 5, one run.
// Run: node scripts/bench.mjs library-long-line
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RecordingsLibrary } from '../../node/recordings/library.js';
import { RECORDING_FORMAT } from '../../common/contract/index.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-bench-longline-'));
const dir = path.join(root, 'recordings');
fs.mkdirSync(dir);
const file = path.join(dir, 'big.ndjson');
const fd = fs.openSync(file, 'w');
const header = { type: 'header', format: RECORDING_FORMAT, script: 'profile:hz:99 { @s[kstack] = count(); }', options: {}, bpftraceVersion: '0.17.0', kernelRelease: os.release(), startedAt: new Date().toISOString() };
fs.writeSync(fd, JSON.stringify(header) + '\n');
fs.writeSync(fd, '{"type":"map","t":1000,"name":"@s","entries":[');
const frames = Array.from({ length: 30 }, (_, i) => `        some_kernel_function_${i}+${i * 7}`).join('\n');
let batch: string[] = [];
for (let i = 0; i < 100_000; i++) {
  batch.push((i ? ',' : '') + JSON.stringify({ key: `\n${frames}\n        leaf_${i}+1\n`, value: i + 1 }));
  if (batch.length === 2000) {
    fs.writeSync(fd, batch.join(''));
    batch = [];
  }
}
fs.writeSync(fd, batch.join('') + '],"snapshot":false}\n{"type":"exit","t":1001,"code":0,"signal":"SIGINT"}\n');
fs.closeSync(fd);
const size = fs.statSync(file).size;

function floor(): number {
  const t0 = performance.now();
  const f = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  let pos = 0;
  for (;;) {
    const n = fs.readSync(f, buf, 0, buf.length, pos);
    if (n === 0) break;
    pos += n;
    for (let i = buf.indexOf(10); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++;
  }
  fs.closeSync(f);
  if (lines !== 3) throw new Error(`floor counted ${lines} lines`);
  return performance.now() - t0;
}

async function kscope(i: number): Promise<number> {
  // A new mtime: the library's scan cache (keyed by name, size, mtime) must not answer.
  fs.utimesSync(file, new Date(), new Date(Date.now() + (i + 1) * 1000));
  const lib = new RecordingsLibrary({ dir, settingsPath: path.join(root, 'settings.json'), writing: () => [], checkOtherProcesses: false });
  const t0 = performance.now();
  const r = await lib.list();
  const ms = performance.now() - t0;
  const s = r.items[0];
  if (s.events !== 1 || s.stackMaps[0] !== '@s' || s.exit?.code !== 0) throw new Error(`wrong summary: ${JSON.stringify(s)}`);
  return ms;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f: number[] = [];
const k: number[] = [];
for (let i = 0; i < 5; i++) {
  f.push(floor());
  k.push(await kscope(i));
}
const mf = median(f);
const mk = median(k);
console.log(`recording: ${(size / 1e6).toFixed(1)} MB, its map line ${(size / 1e6 - 0.1).toFixed(1)} MB`);
console.log('| leg | ms (median of 5) | ratio |');
console.log('|---|---:|---:|');
console.log(`| read + count newlines (floor) | ${mf.toFixed(0)} | 1 × |`);
console.log(`| kscope library list() | ${mk.toFixed(0)} | ${(mk / mf).toFixed(2)} × |`);
console.log(`aim: listed in < 1,000 ms: ${mk < 1000 ? 'met' : 'missed'}`);
console.log(`peak RSS: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
fs.rmSync(root, { recursive: true, force: true });
