// Printf flood: what does kscope's engine cost next to bpftrace itself, at bpftrace's full
// printf rate? One run, three legs of DURATION_S each, the same script:
//   a1. bpftrace -f json -e SCRIPT > /dev/null       (bpftrace alone: its CPU)
//   a2. bpftrace -f json -e SCRIPT > FILE             (the same, counted: lines, lost events)
//   b.  the script through kscope's Engine, in this process (snapshotMs 0, a recording)
// CPU: bpftrace's utime+stime from /proc/<pid>/stat (sampled until it exits); the engine's
// is this process's process.cpuUsage() delta over leg b. The script feeds itself (each
// printf is a write(), which is a sys_enter), so it runs as fast as the pipeline allows.
// Needs root. Run: node scripts/bench.mjs flood   (writes bench/output/flood.json)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunOptions, type SessionUpdate } from '../../electron/api/index.js';
import { procStat, childrenOf } from '../../electron/engine/runtime-test-helpers.js';
import { Engine } from '../../electron/engine/sessions.js';

// The engine's own syscalls are filtered out of the flood: otherwise every read()/write()
// of this process would also be a printf (a feedback loop through the engine), and the BPF
// program + perf output run in this process's context would be charged to the engine's
// system time. FLOOD_SCRIPT=... overrides (e.g. without the filter, to see that loop).
const SCRIPT = process.env.FLOOD_SCRIPT ?? `tracepoint:raw_syscalls:sys_enter /pid != ${process.pid}/ { printf("%d %s\\n", nsecs, comm); }`;
const DURATION_S = Number(process.env.FLOOD_SECONDS ?? 5);
const BPFTRACE = process.env.KSCOPE_BPFTRACE || '/usr/bin/bpftrace';
const TICK_MS = 1000 / 100; // /proc/<pid>/stat times are in USER_HZ (100 on Linux)
const SAMPLE_MS = 20;

if (process.getuid?.() !== 0) {
  console.error('bench flood: needs root (bpftrace attaches probes)');
  process.exit(2);
}

interface Leg {
  lines: number | null;
  lostEvents: number | null;
  bpftraceCpuMs: number;
  wallMs: number;
}

/** Samples a process's CPU until it exits; returns the last sample (ms). */
function cpuSampler(pid: number): { stop: () => number; io: () => ReturnType<typeof procIo> } {
  let last = 0;
  let io = procIo(pid);
  const sample = () => {
    const i = procIo(pid);
    if (i.syscr > 0 || i.syscw > 0) io = i;
    const s = procStat(pid);
    if (s && s.state !== 'Z') last = s.cpuTicks * TICK_MS;
    else if (s) last = Math.max(last, s.cpuTicks * TICK_MS); // a zombie still has its times
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop: () => {
      sample();
      clearInterval(timer);
      return last;
    },
    io: () => io,
  };
}

/** /proc/<pid>/io. A parent's own counters include its reaped children's: subtract them. */
function procIo(pid: number | 'self'): { syscr: number; syscw: number; rchar: number } {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  } catch {
    return { syscr: 0, syscw: 0, rchar: 0 };
  }
  const kv = Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => l.split(': ') as [string, string]),
  );
  return { syscr: Number(kv.syscr), syscw: Number(kv.syscw), rchar: Number(kv.rchar) };
}

async function bpftraceAlone(outFile: string | null): Promise<Leg> {
  const out = outFile ? fs.openSync(outFile, 'w') : fs.openSync('/dev/null', 'w');
  const t0 = performance.now();
  const child = spawn(BPFTRACE, ['-f', 'json', '-e', SCRIPT], { stdio: ['ignore', out, 'ignore'], env: { ...process.env, BPFTRACE_COLOR: 'never' } });
  fs.closeSync(out);
  const cpu = cpuSampler(child.pid!);
  // By 'exit' Node has reaped it: the sampler's last sample (≤ SAMPLE_MS old) is what we keep.
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  setTimeout(() => child.kill('SIGINT'), DURATION_S * 1000);
  await exited;
  const cpuMs = cpu.stop();
  const wallMs = performance.now() - t0;
  let lines: number | null = null;
  let lostEvents: number | null = null;
  if (outFile) {
    lines = 0;
    lostEvents = 0;
    const text = fs.readFileSync(outFile, 'utf8');
    for (const line of text.split('\n')) {
      if (line.startsWith('{"type": "printf"')) lines++;
      else if (line.startsWith('{"type": "lost_events"')) lostEvents += (JSON.parse(line) as { data: { events: number } }).data.events;
    }
    fs.rmSync(outFile);
  }
  return { lines, lostEvents, bpftraceCpuMs: cpuMs, wallMs };
}

async function throughEngine(recordingsDir: string) {
  const engine = new Engine({ kscopeVersion: 'bench', recordingsDir, capabilities: () => ({}) });
  let updates = 0;
  let maxPrintfPerUpdate = 0;
  let last: SessionUpdate | null = null;
  engine.onUpdate((u) => {
    updates++;
    maxPrintfPerUpdate = Math.max(maxPrintfPerUpdate, u.printf.length);
    last = u;
  });
  let maxGap = 0;
  let prev = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - prev);
    prev = now;
  }, 10);
  const io0 = procIo('self');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const session = engine.run(SCRIPT, RunOptions.parse({ snapshotMs: 0, durationSec: DURATION_S }));
  const bpf = childrenOf(process.pid).find((p) => p.comm === 'bpftrace' || p.comm === 'setpriv');
  if (!bpf) throw new Error('bench flood: no bpftrace child found');
  const sampler = cpuSampler(bpf.pid);
  await session.whenEnded();
  const bpftraceCpuMs = sampler.stop();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(cpu0);
  const io1 = procIo('self');
  const childIo = sampler.io(); // bpftrace's, last seen before it was reaped into ours
  clearInterval(ticker);
  const engineCpuMs = (c.user + c.system) / 1000;
  const st = (last as SessionUpdate | null)?.status ?? session.status();
  const recordingBytes = session.recordingPath ? fs.statSync(session.recordingPath).size : 0;
  return {
    lines: st.printfLines,
    lostEvents: st.lostEvents,
    bpftraceCpuMs,
    wallMs,
    engineCpuMs,
    engineUserMs: c.user / 1000,
    engineSystemMs: c.system / 1000,
    ratio: engineCpuMs / bpftraceCpuMs,
    engineUsPerLine: st.printfLines > 0 ? (engineCpuMs * 1000) / st.printfLines : null,
    updates,
    maxPrintfPerUpdate,
    maxEventLoopGapMs: maxGap,
    recordingMB: recordingBytes / 1e6,
    /** read()/write() syscalls of this process during the leg (pipe reads, recording writes, ...). */
    engineReadSyscalls: io1.syscr - io0.syscr - childIo.syscr,
    engineWriteSyscalls: io1.syscw - io0.syscw - childIo.syscw,
    engineReadBytes: io1.rchar - io0.rchar - childIo.rchar,
    exit: st.exit,
  };
}

const tmp = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'kscope-flood-'));
try {
  const a1 = await bpftraceAlone(null);
  const a2 = await bpftraceAlone(path.join(tmp, 'bpftrace.ndjson'));
  const b = await throughEngine(path.join(tmp, 'recordings'));
  const fmt = (n: number | null, d = 0) => (n === null ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const perS = (n: number | null, ms: number) => (n === null ? null : n / (ms / 1000));
  const rows = [
    '| leg | printf lines | lines/s | lost events | bpftrace CPU ms | engine CPU ms | engine/bpftrace CPU |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| a1. bpftrace > /dev/null | – | – | – | ${fmt(a1.bpftraceCpuMs)} | – | – |`,
    `| a2. bpftrace > file | ${fmt(a2.lines)} | ${fmt(perS(a2.lines, a2.wallMs))} | ${fmt(a2.lostEvents)} | ${fmt(a2.bpftraceCpuMs)} | – | – |`,
    `| b. kscope engine | ${fmt(b.lines)} | ${fmt(perS(b.lines, b.wallMs))} | ${fmt(b.lostEvents)} | ${fmt(b.bpftraceCpuMs)} | ${fmt(b.engineCpuMs)} | **${b.ratio.toFixed(2)}** |`,
  ];
  console.log(`script: ${SCRIPT}\n${DURATION_S} s per leg, ${os.cpus().length} CPUs, node ${process.version}, kernel ${os.release()}\n`);
  console.log(rows.join('\n'));
  console.log(
    `\nengine: ${b.engineUsPerLine?.toFixed(2)} µs CPU per printf line (user ${fmt(b.engineUserMs)} ms, system ${fmt(b.engineSystemMs)} ms); ` +
      `${b.updates} updates, at most ${b.maxPrintfPerUpdate} printf lines in one; event loop max gap ${b.maxEventLoopGapMs.toFixed(0)} ms; recording ${b.recordingMB.toFixed(1)} MB; ` +
      `${fmt(b.engineReadSyscalls)} read() (${fmt(b.engineReadBytes / Math.max(1, b.engineReadSyscalls))} B each), ${fmt(b.engineWriteSyscalls)} write(); exit ${JSON.stringify(b.exit)}`,
  );
  const results = {
    script: SCRIPT,
    durationSec: DURATION_S,
    cpus: os.cpus().length,
    node: process.version,
    kernel: os.release(),
    bpftraceDevNull: a1,
    bpftraceToFile: a2,
    engine: b,
  };
  const outDir = path.resolve('bench/output');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'flood.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), path.join(outDir, 'flood.json'))}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
