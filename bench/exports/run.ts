// Exports bench: a recording of 1M samples over 100k distinct kernel stacks (mean depth 25,
// bpftrace's `@[kstack] = count()` key text, printed as snapshots like a real run) exported to
// folded, speedscope, pprof and svg by kscope, against a baseline "stackcollapse-style folding in plain
// JS" over the same NDJSON (readline, JSON.parse, split the key's lines, strip offsets, reverse,
// join with ';', add into a Map, write lines), and the import of a 35 MB folded file by
// node/imports against a plain-JS folded reader. Every leg runs in a fresh child process
// (so peak RSS is its own), REPEATS times; the median is reported, with each output's sha256
// (bench/output/exports.json) so a faster exporter can be checked against an earlier run's bytes.
// Run: node scripts/bench.mjs exports   (inputs only: node build/bench/exports.mjs --generate)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { exportRecording } from '../../node/exports/index.js';
import { importFile, writeRecordingTo } from '../../node/imports/index.js';
import { kstackKey, syntheticProfile } from '../../test/support/synthetic-profile.js';

const STACKS = 100_000;
const SAMPLES = 1_000_000;
const MEAN_DEPTH = 25;
/** Snapshot prints of the map before its final print (a run prints its maps every second). */
const SNAPSHOTS = 4;
const FOLDED_MB = 35;
const REPEATS = 3;
const root = process.cwd();
const work = path.join(root, 'build', 'bench', 'exports');
const REC = path.join(work, 'profile-1m.ndjson');
const FOLDED = path.join(work, `folded-${FOLDED_MB}mb.folded`);
const outJson = path.join(root, 'bench', 'output', 'exports.json');

// ---- the synthetic profile (bench/synthetic-profile.ts, as bench/flamegraph) -------------
function generate(): void {
  fs.mkdirSync(work, { recursive: true });
  if (fs.existsSync(REC) && fs.existsSync(FOLDED)) return;
  const gen = syntheticProfile();
  const stacks = gen.stacks(STACKS, MEAN_DEPTH);
  const counts = gen.counts(STACKS, SAMPLES);
  const keys = stacks.map((fr) => kstackKey(fr, '        '));
  const header = {
    type: 'header',
    format: 1,
    script: 'profile:hz:99 { @[kstack] = count(); }',
    options: { snapshotMs: 1000, unsafe: false, args: [] },
    bpftraceVersion: '0.17.0',
    kernelRelease: 'bench',
    startedAt: new Date(0).toISOString(),
    injected: { intervalMs: 1000, maps: ['@'] },
  };
  const fd = fs.openSync(REC, 'w');
  fs.writeSync(fd, JSON.stringify(header) + '\n' + JSON.stringify({ type: 'attached', t: 100, probes: 2 }) + '\n');
  // Cumulative snapshots: print k of SNAPSHOTS+1 holds the first k/(SNAPSHOTS+1) of the stacks
  // with their counts scaled; the last print is the full profile.
  for (let k = 1; k <= SNAPSHOTS + 1; k++) {
    const n = Math.round((STACKS * k) / (SNAPSHOTS + 1));
    const final = k === SNAPSHOTS + 1;
    const entries = keys.slice(0, n).map((key, i) => ({ key, value: final ? counts[i] : Math.max(1, Math.round((counts[i] * k) / (SNAPSHOTS + 1))) }));
    fs.writeSync(fd, JSON.stringify({ type: 'map', t: k * 1000, name: '@', entries, snapshot: !final }) + '\n');
  }
  fs.writeSync(fd, JSON.stringify({ type: 'exit', t: (SNAPSHOTS + 1) * 1000 + 5, code: 0, signal: null }) + '\n');
  fs.closeSync(fd);
  // A 35 MB folded file: stacks of the same generator (more of them) until the size is reached.
  const more = gen.stacks(200_000, MEAN_DEPTH);
  const mcounts = gen.counts(more.length, 2_000_000);
  const ffd = fs.openSync(FOLDED, 'w');
  let bytes = 0;
  let parts: string[] = [];
  for (let i = 0; i < more.length && bytes < FOLDED_MB * 1e6; i++) {
    const line = `${more[i].join(';')} ${mcounts[i]}\n`;
    bytes += line.length;
    parts.push(line);
    if (parts.length === 5000) {
      fs.writeSync(ffd, parts.join(''));
      parts = [];
    }
  }
  fs.writeSync(ffd, parts.join(''));
  fs.closeSync(ffd);
}

// ---- the legs (each in its own process) ---------------------------------------------------

/** stackcollapse-style folding in plain JS: no kscope code. */
async function baselineFold(input: string, output: string): Promise<void> {
  const rl = readline.createInterface({ input: fs.createReadStream(input), crlfDelay: Infinity });
  let last: { entries: { key: string; value: number }[] } | null = null;
  for await (const line of rl) {
    if (!line) continue;
    const ev = JSON.parse(line);
    if (ev.type === 'map' && ev.name === '@') last = ev; // maps are cumulative: keep the last print
  }
  const folded = new Map<string, number>();
  for (const e of last!.entries) {
    const frames = e.key
      .split('\n')
      .map((l) => l.trim().replace(/\+\d+$/, ''))
      .filter((l) => l !== '');
    let stack = '';
    for (let i = frames.length - 1; i >= 0; i--) stack += (stack ? ';' : '') + frames[i];
    folded.set(stack, (folded.get(stack) ?? 0) + e.value);
  }
  const out = fs.createWriteStream(output);
  for (const [k, v] of folded) if (!out.write(`${k} ${v}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(() => r()));
}

/** A plain-JS folded reader: lines → Map of stack → count. */
async function baselineReadFolded(input: string): Promise<number> {
  const rl = readline.createInterface({ input: fs.createReadStream(input), crlfDelay: Infinity });
  const folded = new Map<string, number>();
  for await (const line of rl) {
    const sp = line.lastIndexOf(' ');
    if (sp <= 0) continue;
    const k = line.slice(0, sp);
    folded.set(k, (folded.get(k) ?? 0) + Number(line.slice(sp + 1)));
  }
  return folded.size;
}

const LEGS: Record<string, (out: string) => Promise<void>> = {
  'kscope folded': async (out) => void (await exportRecording(REC, 'folded', out)),
  'kscope speedscope': async (out) => void (await exportRecording(REC, 'speedscope', out)),
  'kscope pprof': async (out) => void (await exportRecording(REC, 'pprof', out)),
  'kscope svg': async (out) => void (await exportRecording(REC, 'svg', out)),
  'baseline folded (plain JS)': (out) => baselineFold(REC, out),
  'kscope import folded (parse)': async () => {
    const r = importFile(FOLDED, 'folded');
    if (r.events.length === 0) throw new Error('nothing imported');
  },
  'kscope import folded → recording': async (out) => {
    const r = importFile(FOLDED, 'folded');
    writeRecordingTo(out, r.header, r.events);
  },
  'baseline read folded (plain JS)': async () => void (await baselineReadFolded(FOLDED)),
};

function vm(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function child(leg: string): Promise<void> {
  const out = path.join(work, `out-${leg.replace(/\W+/g, '-')}`);
  const rss0 = vm('VmRSS');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await LEGS[leg](out);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  const peak = vm('VmHWM');
  const outBytes = fs.existsSync(out) ? fs.statSync(out).size : 0;
  // After the measurement: the output's hash (a recording's header holds the time of the import: hashed without it).
  let sha256 = '';
  if (outBytes > 0) {
    let bytes = fs.readFileSync(out);
    if (leg.includes('→ recording')) bytes = bytes.subarray(bytes.indexOf(10) + 1);
    sha256 = createHash('sha256').update(bytes).digest('hex');
  }
  fs.rmSync(out, { force: true });
  process.stdout.write(JSON.stringify({ ms, cpuMs, peakMB: peak, baseMB: rss0, outBytes, sha256 }) + '\n');
}

interface LegResult {
  ms: number;
  /** User + system CPU of the process (GC threads included): steadier than wall time on a shared machine. */
  cpuMs: number;
  peakMB: number;
  baseMB: number;
  outBytes: number;
  sha256: string;
}

function runLeg(self: string, leg: string): LegResult {
  const runs: LegResult[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const r = spawnSync(process.execPath, [self, '--leg', leg], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`leg ${leg} failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
}

async function main(): Promise<void> {
  const legArg = process.argv.indexOf('--leg');
  if (legArg > 0) return child(process.argv[legArg + 1]);
  if (process.argv.includes('--generate')) return generate(); // inputs only (for profiling one leg with --leg)
  const self = fileURLToPath(import.meta.url);
  const loadAtStart = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const tg = performance.now();
  generate();
  const recMB = fs.statSync(REC).size / 1e6;
  const foldedMB = fs.statSync(FOLDED).size / 1e6;
  console.log(`input: ${REC} (${recMB.toFixed(1)} MB, ${SNAPSHOTS} snapshots + the final print of ${STACKS.toLocaleString('en-US')} stacks / ${SAMPLES.toLocaleString('en-US')} samples; final print ${(finalLineBytes() / 1e6).toFixed(1)} MB)`);
  console.log(`input: ${FOLDED} (${foldedMB.toFixed(1)} MB); generated in ${((performance.now() - tg) / 1000).toFixed(1)} s\n`);
  const results: Record<string, LegResult> = {};
  for (const leg of Object.keys(LEGS)) results[leg] = runLeg(self, leg);
  const finalMB = finalLineBytes() / 1e6;
  const row = (leg: string, inputMB: number, baseline?: string) => {
    const r = results[leg];
    const growth = r.peakMB - r.baseMB;
    const ratio = baseline ? (r.ms / results[baseline].ms).toFixed(2) + '×' : '—';
    return `| ${leg} | ${r.ms.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${ratio} | ${r.peakMB.toFixed(0)} | ${growth.toFixed(0)} | ${(growth / inputMB).toFixed(2)}× | ${(r.outBytes / 1e6).toFixed(1)} |`;
  };
  const table = [
    `| leg | wall ms (median of ${REPEATS}) | CPU ms | wall vs baseline | peak RSS MB | RSS growth MB | growth / input | output MB |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row('kscope folded', recMB, 'baseline folded (plain JS)'),
    row('kscope speedscope', recMB, 'baseline folded (plain JS)'),
    row('kscope pprof', recMB, 'baseline folded (plain JS)'),
    row('kscope svg', recMB, 'baseline folded (plain JS)'),
    row('baseline folded (plain JS)', recMB),
    row('kscope import folded (parse)', foldedMB, 'baseline read folded (plain JS)'),
    row('kscope import folded → recording', foldedMB, 'baseline read folded (plain JS)'),
    row('baseline read folded (plain JS)', foldedMB),
  ].join('\n');
  console.log(table);
  console.log('\noutputs (sha256):');
  for (const [leg, r] of Object.entries(results)) if (r.sha256) console.log(`  ${leg}: ${r.sha256}`);
  console.log(
    `\nload average at start: ${loadAtStart} on ${os.cpus().length} CPUs.` +
      `\ninput for "growth / input": the recording (${recMB.toFixed(1)} MB, its final print ${finalMB.toFixed(1)} MB) for exports; the folded file (${foldedMB.toFixed(1)} MB) for imports. node ${process.version}.`,
  );
  fs.mkdirSync(path.dirname(outJson), { recursive: true });
  fs.writeFileSync(outJson, JSON.stringify({ stacks: STACKS, samples: SAMPLES, snapshots: SNAPSHOTS, recMB, finalPrintMB: finalMB, foldedMB, repeats: REPEATS, node: process.version, results }, null, 2) + '\n');
}

function finalLineBytes(): number {
  // The last map line of the recording (the final print).
  const size = fs.statSync(REC).size;
  const fd = fs.openSync(REC, 'r');
  const buf = Buffer.alloc(Math.min(size, 64 << 20));
  fs.readSync(fd, buf, 0, buf.length, size - buf.length);
  fs.closeSync(fd);
  const text = buf.toString('latin1');
  const end = text.lastIndexOf('\n', text.length - 2); // end of the map line before the exit line
  const start = text.lastIndexOf('\n', end - 1);
  return end - start;
}

await main();
