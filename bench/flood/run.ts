// Printf flood, the honest comparison: does kscope cost bpftrace events next to bpftrace
// writing to a file? One run, the same script and the same load for every leg, each leg
// FLOOD_SECONDS (10 s):
//   A. bpftrace -f json -e SCRIPT > FILE                      (the baseline)
//   B. bpftrace -f json -e SCRIPT | cat > FILE                (a plain pipe reader)
//   C. kscope record -e SCRIPT -o REC  (dist/electron/cli.cjs, bpftrace spawned directly)
//   D. the same with KSCOPE_HELPER=always (bpftrace through the privileged helper, which
//      hands bpftrace's stdout pipe to kscope); D0. the same with the helper relaying every
//      byte (KSCOPE_HELPER_OUTPUT=relay: the fallback, and what D was before)
//   E. `kscope serve` with a real Chromium page attached (Debian's, playwright-core): the
//      page types the script and starts it (Ctrl+Enter) as a user would, and stops it with
//      its Stop button; kscope's CPU and RSS are serve's, Chromium's are shown beside.
// FLOOD_SERVE_LONG_SECONDS=600 runs only leg E, that long, and reports serve's RSS every
// 30 s (first, max, last): does a long flood through serve keep its memory flat?
// The load is a separate process making syscalls as fast as it can (dd bs=1, a read() and
// a write() per byte); the script prints one line per syscall of that process, so the
// offered rate is far above what bpftrace can print and every leg is saturated: what a leg
// does not print, bpftrace counts as lost (perf buffer full). A consumer that makes
// bpftrace wait shows up as fewer lines and more lost events than leg A.
// For each leg: printf lines recorded (and per second), bpftrace's lost-event count, CPU of
// bpftrace and of the consumer (cat, or kscope's processes), the consumer's peak RSS.
// Needs root and `npm run build` (for dist/electron). Run: node scripts/bench.mjs flood
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const DURATION_S = Number(process.env.FLOOD_SECONDS ?? 10);
const BPFTRACE = process.env.KSCOPE_BPFTRACE || '/usr/bin/bpftrace';
const LOAD_COMM = 'kscope-load';
const SCRIPT = process.env.FLOOD_SCRIPT ?? `tracepoint:raw_syscalls:sys_enter /comm == "${LOAD_COMM}"/ { printf("%llu %s %d\\n", nsecs, comm, args->id); }`;
const TICK_MS = 1000 / 100; // /proc/<pid>/stat times are in USER_HZ (100 on Linux)
const SAMPLE_MS = 50;
const CLI = path.resolve('dist/electron/cli.cjs');

if (process.getuid?.() !== 0) {
  console.error('bench flood: needs root (bpftrace attaches probes)');
  process.exit(2);
}
if (!fs.existsSync(CLI)) {
  console.error(`bench flood: ${CLI} is missing: run npm run build`);
  process.exit(2);
}

interface ProcSample {
  cpuMs: number;
  peakRssMB: number;
}

function stat(pid: number): { comm: string; ppid: number; state: string; cpuTicks: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const rest = text.slice(close + 2).split(' ');
    return { comm: text.slice(text.indexOf('(') + 1, close), state: rest[0], ppid: Number(rest[1]), cpuTicks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

function peakRssMB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function descendants(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) kids.set(s.ppid, [...(kids.get(s.ppid) ?? []), Number(d)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const k of kids.get(p) ?? []) {
      out.push(k);
      walk(k);
    }
  };
  walk(root);
  return out;
}

/**
 * Samples the CPU and peak RSS of a set of processes (found again on every sample: the
 * helper and bpftrace appear after the CLI starts) until stop(). The last sample of a
 * process before it is reaped is what counts (≤ SAMPLE_MS old).
 */
function sampler(find: () => { role: string; pid: number }[]): { snapshot: () => Map<number, number>; stop: (before?: Map<number, number>) => Record<string, ProcSample> } {
  const last = new Map<number, { role: string; cpuMs: number; rss: number }>();
  const sample = () => {
    for (const { role, pid } of find()) {
      const s = stat(pid);
      if (!s) continue;
      const prev = last.get(pid);
      const rss = Math.max(prev?.rss ?? 0, peakRssMB(pid));
      last.set(pid, { role, cpuMs: Math.max(prev?.cpuMs ?? 0, s.cpuTicks * TICK_MS), rss });
    }
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    /** CPU used so far by each process (to subtract start-up work from a leg). */
    snapshot: () => {
      sample();
      return new Map([...last].map(([pid, v]) => [pid, v.cpuMs]));
    },
    stop: (before) => {
      sample();
      clearInterval(timer);
      const out: Record<string, ProcSample> = {};
      for (const [pid, v] of last) {
        const o = (out[v.role] ??= { cpuMs: 0, peakRssMB: 0 });
        o.cpuMs += v.cpuMs - (before?.get(pid) ?? 0);
        o.peakRssMB += v.rss; // processes of one role run together: their peaks add up (an upper bound)
      }
      return out;
    },
  };
}

interface Counts {
  lines: number;
  lost: number;
  /** Smallest and largest nsecs of a printed line: the span bpftrace was printing. */
  firstNs: number;
  lastNs: number;
}

/** The lines of a file, read 16 MiB at a time (a 10-minute flood's recording is larger than the longest string V8 holds). */
function* linesOf(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(16 * 1024 * 1024);
  let rest = '';
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      // Cut at the last newline so no UTF-8 sequence (or line) is split between reads.
      const cut = buf.lastIndexOf(10, n - 1) + 1;
      if (cut === 0) {
        rest += buf.toString('utf8', 0, n);
        continue;
      }
      const parts = (rest + buf.toString('utf8', 0, cut)).split('\n');
      rest = buf.toString('utf8', cut, n);
      parts.pop(); // empty: the chunk ended with a newline
      yield* parts;
    }
    if (rest) yield rest;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Counts printf lines and lost events in bpftrace's own -f json output (`kscope` false) or
 * in a kscope recording (one event a line), and the span of the lines' nsecs.
 */
function count(file: string, kscope: boolean): Counts {
  const printf = kscope ? '{"type":"printf"' : '{"type": "printf"';
  const text = kscope ? '"text":"' : '"data": "';
  const lostPrefix = kscope ? '{"type":"lost"' : '{"type": "lost_events"';
  const c: Counts = { lines: 0, lost: 0, firstNs: 0, lastNs: 0 };
  for (const line of linesOf(file)) {
    if (line.startsWith(printf)) {
      c.lines++;
      const at = line.indexOf(text) + text.length;
      const ns = Number(line.slice(at, line.indexOf(' ', at)));
      // Lines come per CPU (bpftrace drains one perf buffer after another): min and max, not first and last.
      if (c.firstNs === 0 || ns < c.firstNs) c.firstNs = ns;
      if (ns > c.lastNs) c.lastNs = ns;
    } else if (line.startsWith(lostPrefix)) {
      const j = JSON.parse(line) as { events?: number; data?: { events: number } };
      c.lost += kscope ? j.events! : j.data!.events;
    }
  }
  return c;
}

let loadBin = '';
function startLoad(): ChildProcess {
  // dd through a symlink named LOAD_COMM (a process's comm is the name it was exec'd by), so
  // the script selects it; bs=1 makes a read() and a write() per byte.
  return spawn(loadBin, ['if=/dev/zero', 'of=/dev/null', 'bs=1'], { stdio: 'ignore' });
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

interface LegResult {
  leg: string;
  lines: number;
  /** Over the span bpftrace printed (first to last line's nsecs): start-up costs do not count. */
  linesPerS: number;
  printingS: number;
  lost: number;
  bpftraceCpuMs: number;
  consumerCpuMs: number | null;
  consumerPeakRssMB: number | null;
  wallMs: number;
  /** Legs D: the helper's share of consumerCpuMs (a second Node process: its start-up, and relaying when it relays). */
  helperCpuMs?: number;
  /** Leg E: the Chromium page's processes (browser, renderer, GPU/utility). */
  pageCpuMs?: number;
  pagePeakRssMB?: number;
  /** Leg E, long mode: serve's RSS every 30 s. */
  rssEvery30s?: number[];
}

/** bpftrace alone, its stdout a file (A) or `| cat > file` (B). */
async function bpftraceLeg(leg: string, tmp: string, throughCat: boolean): Promise<LegResult> {
  const file = path.join(tmp, `${leg}.ndjson`);
  const load = startLoad();
  const t0 = performance.now();
  let bpf: ChildProcess;
  let cat: ChildProcess | null = null;
  let shell: ChildProcess | null = null;
  const env = { ...process.env, BPFTRACE_COLOR: 'never', BPF: BPFTRACE, SCRIPT, OUT: file };
  if (throughCat) {
    // A shell pipeline, so bpftrace writes into a real pipe that cat reads.
    shell = spawn('bash', ['-c', '"$BPF" -f json -e "$SCRIPT" | cat > "$OUT"'], { stdio: 'ignore', env });
    let kids: { pid: number; comm: string }[] = [];
    for (let i = 0; i < 100 && kids.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      kids = descendants(shell.pid!).map((pid) => ({ pid, comm: stat(pid)?.comm ?? '' })).filter((k) => k.comm === 'bpftrace' || k.comm === 'cat');
    }
    const b = kids.find((k) => k.comm === 'bpftrace');
    const c = kids.find((k) => k.comm === 'cat');
    if (!b || !c) throw new Error('bench flood: the bpftrace | cat pipeline did not start');
    bpf = { pid: b.pid, kill: (sig: NodeJS.Signals) => process.kill(b.pid, sig) } as unknown as ChildProcess;
    cat = { pid: c.pid } as unknown as ChildProcess;
  } else {
    const out = fs.openSync(file, 'w');
    bpf = spawn(BPFTRACE, ['-f', 'json', '-e', SCRIPT], { stdio: ['ignore', out, 'ignore'], env });
    fs.closeSync(out);
  }
  const s = sampler(() => [{ role: 'bpftrace', pid: bpf.pid! }, ...(cat ? [{ role: 'consumer', pid: cat.pid! }] : [])]);
  setTimeout(() => bpf.kill('SIGINT'), DURATION_S * 1000);
  await exited(shell ?? bpf);
  const wallMs = performance.now() - t0;
  const cpu = s.stop();
  load.kill('SIGKILL');
  await exited(load);
  const c = count(file, false);
  fs.rmSync(file);
  return {
    leg,
    lines: c.lines,
    linesPerS: c.lines / ((c.lastNs - c.firstNs) / 1e9),
    printingS: (c.lastNs - c.firstNs) / 1e9,
    lost: c.lost,
    bpftraceCpuMs: cpu.bpftrace?.cpuMs ?? 0,
    consumerCpuMs: cat ? (cpu.consumer?.cpuMs ?? 0) : null,
    consumerPeakRssMB: cat ? (cpu.consumer?.peakRssMB ?? 0) : null,
    wallMs,
  };
}

/** `kscope record` (the built CLI, a separate process); through the helper when `helper`. */
async function kscopeLeg(leg: string, tmp: string, helper: boolean, cli_ = CLI, script = SCRIPT, extraEnv: Record<string, string> = {}): Promise<LegResult> {
  const rec = path.join(tmp, `${leg}.ndjson`);
  const load = startLoad();
  const t0 = performance.now();
  const env = { ...process.env, BPFTRACE_COLOR: 'never', KSCOPE_BPFTRACE: BPFTRACE, KSCOPE_HELPER: helper ? 'always' : 'never', HOME: tmp, ...extraEnv };
  // The CLI echoes every printf line to its stdout: /dev/null here (the recording is what counts).
  const cli = spawn(process.execPath, [cli_, 'record', '-e', script, '-o', rec, '--duration', String(DURATION_S)], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  cli.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  // kscope's CPU is the CLI's plus the helper's (any other process of the tree but bpftrace).
  const s = sampler(() =>
    [cli.pid!, ...descendants(cli.pid!)].map((pid) => {
      const st = stat(pid);
      return { role: st?.comm === 'bpftrace' || st?.comm === 'setpriv' ? 'bpftrace' : pid === cli.pid ? 'consumer' : 'helper', pid };
    }),
  );
  await exited(cli);
  const wallMs = performance.now() - t0;
  const cpu = s.stop();
  load.kill('SIGKILL');
  await exited(load);
  if (cli.exitCode !== 0) throw new Error(`bench flood: kscope record (${leg}) exited ${cli.exitCode}: ${stderr}`);
  const c = count(rec, true);
  fs.rmSync(rec);
  return {
    leg,
    lines: c.lines,
    linesPerS: c.lines > 1 ? c.lines / ((c.lastNs - c.firstNs) / 1e9) : 0,
    printingS: (c.lastNs - c.firstNs) / 1e9,
    lost: c.lost,
    bpftraceCpuMs: cpu.bpftrace?.cpuMs ?? 0,
    consumerCpuMs: (cpu.consumer?.cpuMs ?? 0) + (cpu.helper?.cpuMs ?? 0),
    consumerPeakRssMB: (cpu.consumer?.peakRssMB ?? 0) + (cpu.helper?.peakRssMB ?? 0),
    ...(cpu.helper ? { helperCpuMs: cpu.helper.cpuMs } : {}),
    wallMs,
  };
}

function vmRssMB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

/**
 * `kscope serve` (root: bpftrace spawned directly) with a Chromium page that runs the script
 * the way a user does: type it into the editor, Ctrl+Enter, and after `seconds` the Stop
 * button. The recording serve wrote is what is counted.
 */
async function serveLeg(leg: string, tmp: string, seconds: number, everyS = 0): Promise<LegResult> {
  const dataHome = fs.mkdtempSync(path.join(tmp, 'serve-'));
  const env = { ...process.env, BPFTRACE_COLOR: 'never', KSCOPE_BPFTRACE: BPFTRACE, KSCOPE_HELPER: 'never', XDG_DATA_HOME: dataHome, HOME: tmp, NODE_ENV: 'production' };
  const t0 = performance.now();
  const serve = spawn(process.execPath, [...(process.env.FLOOD_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? []), CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  serve.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    serve.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    serve.on('exit', (c) => reject(new Error(`bench flood: kscope serve exited ${c}: ${stderr}`)));
  });
  let browser: Browser | null = null;
  let load: ChildProcess | null = null;
  const rssEvery30s: number[] = [];
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    // Chromium's processes: our descendants outside serve's tree (playwright spawns it).
    const pagePids = () => {
      const inServe = new Set([serve.pid!, ...descendants(serve.pid!)]);
      return descendants(process.pid).filter((pid) => !inServe.has(pid) && /chrom/i.test(stat(pid)?.comm ?? ''));
    };
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-editor', { timeout: 60_000 });
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(SCRIPT);
    const s = sampler(() => [
      ...[serve.pid!, ...descendants(serve.pid!)].map((pid) => {
        const st = stat(pid);
        return { role: st?.comm === 'bpftrace' || st?.comm === 'setpriv' ? 'bpftrace' : 'consumer', pid };
      }),
      ...pagePids().map((pid) => ({ role: 'page', pid })),
    ]);
    // The page's own start-up is not the flood's cost: loading the renderer and Monaco, and
    // serve building the probe catalog the page asks for (seconds of CPU with a cold cache,
    // as here). Wait until serve is idle (< 5 % of a core over a second, at most 90 s), then
    // the sampler subtracts what each process had used before the run.
    for (let i = 0; i < 90; i++) {
      const c0 = stat(serve.pid!)?.cpuTicks ?? 0;
      await new Promise((r) => setTimeout(r, 1000));
      if ((stat(serve.pid!)?.cpuTicks ?? 0) - c0 <= 5) break;
    }
    const before = s.snapshot();
    load = startLoad();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => /running/i.test(document.querySelector('[data-testid="status-state"]')?.textContent ?? ''), null, { timeout: 60_000 });
    const tRun = performance.now();
    if (everyS > 0) {
      for (let k = 1; k * everyS <= seconds; k++) {
        await new Promise((r) => setTimeout(r, Math.max(0, tRun + k * everyS * 1000 - performance.now())));
        rssEvery30s.push(vmRssMB(serve.pid!));
        console.log(`${leg}: ${k * everyS} s, serve RSS ${rssEvery30s.at(-1)!.toFixed(0)} MB`);
      }
    } else await new Promise((r) => setTimeout(r, seconds * 1000));
    await page.click('[data-testid="stop-button"]', { timeout: 120_000 });
    await page.waitForFunction(() => /exited/i.test(document.querySelector('[data-testid="status-state"]')?.textContent ?? ''), null, { timeout: 180_000, polling: 50 });
    const wallMs = performance.now() - t0;
    const cpu = s.stop(before);
    const recDir = path.join(dataHome, 'kscope', 'recordings');
    const recs = fs.readdirSync(recDir).filter((f) => f.endsWith('.ndjson'));
    if (recs.length !== 1) throw new Error(`bench flood: serve wrote ${recs.length} recordings`);
    const c = count(path.join(recDir, recs[0]), true);
    return {
      leg,
      lines: c.lines,
      linesPerS: c.lines > 1 ? c.lines / ((c.lastNs - c.firstNs) / 1e9) : 0,
      printingS: (c.lastNs - c.firstNs) / 1e9,
      lost: c.lost,
      bpftraceCpuMs: cpu.bpftrace?.cpuMs ?? 0,
      consumerCpuMs: cpu.consumer?.cpuMs ?? 0,
      consumerPeakRssMB: cpu.consumer?.peakRssMB ?? 0,
      pageCpuMs: cpu.page?.cpuMs ?? 0,
      pagePeakRssMB: cpu.page?.peakRssMB ?? 0,
      wallMs,
      ...(everyS > 0 ? { rssEvery30s } : {}),
    };
  } finally {
    if (load) {
      load.kill('SIGKILL');
      await exited(load);
    }
    await browser?.close();
    serve.kill('SIGINT');
    await exited(serve);
    fs.rmSync(dataHome, { recursive: true, force: true });
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-flood-'));
try {
  loadBin = path.join(tmp, LOAD_COMM);
  fs.symlinkSync('/usr/bin/dd', loadBin);
  const longS = Number(process.env.FLOOD_SERVE_LONG_SECONDS ?? 0);
  if (longS > 0) {
    // Long mode: only leg E, serve's RSS every 30 s.
    const l = await serveLeg(`E. kscope serve + Chromium page, ${longS} s`, tmp, longS, 30);
    const r = l.rssEvery30s ?? [];
    console.log(`\n${longS} s flood through kscope serve with a Chromium page attached; ${SCRIPT}`);
    console.log(`serve RSS every 30 s (MB): ${r.map((x) => x.toFixed(0)).join(', ')}`);
    console.log(`serve RSS first ${r[0]?.toFixed(0)} MB, max ${Math.max(...r).toFixed(0)} MB, last ${r.at(-1)?.toFixed(0)} MB; serve peak RSS (VmHWM) ${l.consumerPeakRssMB?.toFixed(0)} MB`);
    console.log(`printf lines ${l.lines.toLocaleString('en-US')} (${Math.round(l.linesPerS).toLocaleString('en-US')}/s), lost ${l.lost.toLocaleString('en-US')}, CPU bpftrace ${(l.bpftraceCpuMs / 1000).toFixed(1)} s, serve ${(l.consumerCpuMs! / 1000).toFixed(1)} s, Chromium ${((l.pageCpuMs ?? 0) / 1000).toFixed(1)} s; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const outDir = path.resolve('bench/output');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'flood-serve-long.json'), JSON.stringify({ script: SCRIPT, seconds: longS, leg: l, loadavg: os.loadavg() }, null, 2) + '\n');
    process.exit(0);
  }
  const legs: LegResult[] = [];
  // FLOOD_LEGS=ACD runs only those legs (A, the baseline, always runs).
  const want = (l: string) => !process.env.FLOOD_LEGS || process.env.FLOOD_LEGS.includes(l);
  legs.push(await bpftraceLeg('A. bpftrace > file', tmp, false));
  if (want('B')) legs.push(await bpftraceLeg('B. bpftrace | cat > file', tmp, true));
  if (want('C')) legs.push(await kscopeLeg('C. kscope record', tmp, false));
  if (want('D')) legs.push(await kscopeLeg('D. kscope record (helper, pipe handed over)', tmp, true));
  if (want('D0')) legs.push(await kscopeLeg('D0. kscope record (helper, relayed)', tmp, true, CLI, SCRIPT, { KSCOPE_HELPER_OUTPUT: 'relay' }));
  if (want('E')) legs.push(await serveLeg('E. kscope serve + Chromium page', tmp, DURATION_S));
  // What starting and stopping costs, with nothing to print (Node's start-up, the backend,
  // bpftrace's compile): subtracted below to give the steady-state CPU ratio.
  const startup = await kscopeLeg('S. kscope record, start-up only (BEGIN { exit(); })', tmp, false, CLI, 'BEGIN { exit(); }');
  // FLOOD_BEFORE_CLI=path/to/an/older/cli.cjs adds that build's `kscope record` (before/after a change).
  if (process.env.FLOOD_BEFORE_CLI) legs.push(await kscopeLeg('C0. kscope record, before', tmp, false, path.resolve(process.env.FLOOD_BEFORE_CLI)));
  const base = legs[0];
  const fmt = (n: number | null, d = 0) => (n === null ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
  const rows = [
    '| leg | printf lines | printing s | lines/s | vs A (aim ≥ 0.95) | lost events | lost % of seen | vs A (aim ≤ 1.05) | bpftrace CPU s | consumer CPU s | consumer / bpftrace CPU (aim ≤ 0.5) | consumer peak RSS MB | page CPU s | page peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...legs.map(
      (l) =>
        `| ${l.leg} | ${fmt(l.lines)} | ${fmt(l.printingS, 1)} | ${fmt(l.linesPerS)} | ${(l.linesPerS / base.linesPerS).toFixed(2)} | ${fmt(l.lost)} | ${l.lines + l.lost > 0 ? ((100 * l.lost) / (l.lines + l.lost)).toFixed(1) : '–'} | ${base.lost > 0 ? (l.lost / base.lost).toFixed(2) : '–'} | ${fmt(l.bpftraceCpuMs / 1000, 2)} | ${fmt(l.consumerCpuMs === null ? null : l.consumerCpuMs / 1000, 2)} | ${l.consumerCpuMs === null ? '–' : (l.consumerCpuMs / l.bpftraceCpuMs).toFixed(2)} | ${fmt(l.consumerPeakRssMB)} | ${l.pageCpuMs === undefined ? '–' : fmt(l.pageCpuMs / 1000, 2)} | ${l.pagePeakRssMB === undefined ? '–' : fmt(l.pagePeakRssMB)} |`,
    ),
  ];
  console.log(`script: ${SCRIPT}\nload: dd if=/dev/zero of=/dev/null bs=1 (comm ${LOAD_COMM})\n${DURATION_S} s per leg, ${os.cpus().length} CPUs, node ${process.version}, kernel ${os.release()}, ${BPFTRACE}\n`);
  console.log(rows.join('\n'));
  console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  // Leg E's start-up is already left out (its CPU is counted from the page's Ctrl+Enter).
  for (const l of legs.filter((x) => x.consumerCpuMs !== null && x.leg.includes('kscope') && x.pageCpuMs === undefined)) {
    const steady = (l.consumerCpuMs! - startup.consumerCpuMs!) / (l.bpftraceCpuMs - startup.bpftraceCpuMs);
    console.log(
      `${l.leg}: steady-state consumer / bpftrace CPU ${steady.toFixed(2)} (start-up: kscope ${(startup.consumerCpuMs! / 1000).toFixed(2)} s, bpftrace ${(startup.bpftraceCpuMs / 1000).toFixed(2)} s)` +
        `; ${((1e3 * l.consumerCpuMs!) / Math.max(1, l.lines)).toFixed(2)} µs of kscope CPU per line` +
        (l.helperCpuMs !== undefined ? `; the helper's part ${(l.helperCpuMs / 1000).toFixed(2)} s` : ''),
    );
  }
  const outDir = path.resolve('bench/output');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'flood.json'), JSON.stringify({ script: SCRIPT, durationSec: DURATION_S, cpus: os.cpus().length, node: process.version, kernel: os.release(), bpftrace: BPFTRACE, legs, startup }, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), path.join(outDir, 'flood.json'))}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
