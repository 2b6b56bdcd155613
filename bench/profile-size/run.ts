// bench/profile-size — what a long CPU profile costs on disk. One run, the same time window
// and the same load for both legs, side by side (concurrently, so neither gets a quieter
// machine): `kscope record` (the built CLI, dist/electron/cli.cjs) of
// `profile:hz:999 { @[kstack] = count(); }` for PROFILE_SIZE_MINUTES (default 3) minutes,
//   A. recording format 1 (KSCOPE_RECORDING_FORMAT=1: every print of the map whole, the
//      stack-map cadence from the map's size only) — the previous format, the baseline;
//   B. recording format 2 (prints written as what changed, the cadence also from the change rate).
// Load: `dd if=/dev/zero of=/dev/null bs=1` (a read and a write per byte: kernel stacks) and
// a shell busy loop, both for the whole window. Reports bytes, MB/h, lines, prints of the
// stack map (whole / as changes), the map's stacks at the end, and checks that B's recording
// reads back whole (no line it cannot rebuild). Aim: B ≤ 200 MB/h.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseRecording } from '../../node/recordings/writer.js';

const CLI = path.resolve('dist/electron/cli.cjs');
const MINUTES = Number(process.env.PROFILE_SIZE_MINUTES ?? 3);
const SCRIPT = 'profile:hz:999 { @[kstack] = count(); }';

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

interface Leg {
  leg: string;
  file: string;
  child: ChildProcess;
  stderr: string;
}

function record(leg: string, file: string, format: '1' | '2'): Leg {
  const env = { ...process.env, KSCOPE_RECORDING_FORMAT: format, NODE_ENV: 'production' };
  const child = spawn(process.execPath, [CLI, 'record', '-e', SCRIPT, '-o', file, '--duration', String(Math.round(MINUTES * 60))], { stdio: ['ignore', 'ignore', 'pipe'], env });
  const l: Leg = { leg, file, child, stderr: '' };
  child.stderr!.on('data', (b: Buffer) => (l.stderr = (l.stderr + b.toString()).slice(-4000)));
  return l;
}

function describe(l: Leg, seconds: number) {
  const text = fs.readFileSync(l.file, 'utf8');
  const bytes = Buffer.byteLength(text);
  const lines = text.split('\n').filter(Boolean);
  const whole = lines.filter((x) => x.startsWith('{"type":"map","t":') && x.includes('"name":"@"')).length;
  const deltas = lines.filter((x) => x.startsWith('{"type":"mapdelta"')).length;
  const rec = parseRecording(text);
  const prints = rec.events.filter((e) => e.type === 'map' && e.name === '@');
  const last = prints[prints.length - 1] as { entries: unknown[] } | undefined;
  return {
    leg: l.leg,
    bytes,
    mbPerHour: (bytes / 1e6) * (3600 / seconds),
    lines: lines.length,
    whole,
    deltas,
    prints: prints.length,
    stacks: last?.entries.length ?? 0,
    invalid: rec.invalid.length + (rec.torn ? 1 : 0),
  };
}

async function main() {
  if (!fs.existsSync(CLI)) throw new Error(`bench profile-size: ${CLI} is missing (npm run build)`);
  if (process.getuid?.() !== 0) throw new Error('bench profile-size: needs root (bpftrace)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-profile-size-'));
  const load = [spawn('dd', ['if=/dev/zero', 'of=/dev/null', 'bs=1'], { stdio: 'ignore' }), spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' })];
  const before = loadavg();
  const t0 = Date.now();
  try {
    const legs = [record('A. format 1 (every print whole; baseline)', path.join(tmp, 'a.ndjson'), '1'), record('B. format 2 (changes)', path.join(tmp, 'b.ndjson'), '2')];
    await Promise.all(legs.map((l) => exited(l.child)));
    const seconds = (Date.now() - t0) / 1000;
    for (const l of legs) if (l.child.exitCode !== 0) throw new Error(`bench profile-size: ${l.leg} exited ${l.child.exitCode}: ${l.stderr}`);
    const rows = legs.map((l) => describe(l, seconds));
    const a = rows[0];
    console.log(`${MINUTES} min of ${SCRIPT} under load (dd bs=1 + a busy loop); load average ${before} before, ${loadavg()} after\n`);
    console.log('| leg | bytes | MB/h | vs A | lines | prints of @ (whole / changes) | stacks at the end | lines not read back |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(`| ${r.leg} | ${r.bytes.toLocaleString('en-US')} | ${r.mbPerHour.toFixed(1)} | ${(r.bytes / a.bytes).toFixed(3)} | ${r.lines.toLocaleString('en-US')} | ${r.prints} (${r.whole} / ${r.deltas}) | ${r.stacks.toLocaleString('en-US')} | ${r.invalid} |`);
    }
    const b = rows[1];
    console.log(`\naim B ≤ 200 MB/h: ${b.mbPerHour <= 200 ? 'met' : 'missed'} (${b.mbPerHour.toFixed(1)} MB/h); B reads back whole: ${b.invalid === 0 ? 'yes' : 'NO'}`);
    if (b.invalid !== 0) process.exitCode = 1;
  } finally {
    for (const c of load) c.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
