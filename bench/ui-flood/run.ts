/// <reference lib="dom" />
// The UI under a printf flood: `kscope serve` with a real Chromium page (Debian's), running
// the flood bench's script (a dd load printed line by line) for UI_FLOOD_SECONDS (120). Every
// 5 s: click-to-paint latency (a click on the log's "t" toggle, until the next animation
// frame has run in the page), the line count, the page's JS heap (CDP) and serve's RSS; at
// the end, Stop-to-exited latency. UI_FLOOD_BEFORE=DIR runs the same against an older build
// (DIR/dist/electron/cli.cjs and its dist/renderer) in the same run, as the baseline.
// Aim (issue 11): click p95 ≤ 100 ms at any line count, Stop ≤ 1 s, page heap flat.
// UI_FLOOD_PROFILE=1 also takes a CPU profile of the page for the whole flood (CDP
// Profiler) and prints where its CPU went (self time by function, and the share of the
// page's main thread in script, layout and style from Performance.getMetrics); the
// .cpuprofile goes to bench/output/ (open it in Chromium's DevTools).
// Needs root and `npm run build`. Run: node scripts/bench.mjs ui-flood
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

const SECONDS = Number(process.env.UI_FLOOD_SECONDS ?? 120);
const CLICK_MS = Number(process.env.UI_FLOOD_CLICK_MS ?? 1000);
const LOAD_COMM = 'kscope-load';
const SCRIPT = `tracepoint:raw_syscalls:sys_enter /comm == "${LOAD_COMM}"/ { printf("%llu %s %d\\n", nsecs, comm, args->id); }`;

if (process.getuid?.() !== 0) {
  console.error('bench ui-flood: needs root (bpftrace)');
  process.exit(2);
}

const PROFILE = process.env.UI_FLOOD_PROFILE === '1';
/** UI_FLOOD_TRACE=1: a Chromium trace of the flood, summarized as the renderer main thread's self time by event. */
const TRACE = process.env.UI_FLOOD_TRACE === '1';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

function traceSummary(trace: { traceEvents: TraceEvent[] }, top = 25): string[] {
  const evs = trace.traceEvents;
  const main = evs.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return ['no CrRendererMain thread in the trace'];
  const xs = evs.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Self time: an event's duration minus its direct children's (events nest by time on one thread).
  const self = new Map<string, number>();
  const count = new Map<string, number>();
  for (const e of xs) count.set(e.name, (count.get(e.name) ?? 0) + 1);
  const stack: { e: TraceEvent; end: number; child: number }[] = [];
  const pop = () => {
    const s = stack.pop()!;
    self.set(s.e.name, (self.get(s.e.name) ?? 0) + s.e.dur! - s.child);
    if (stack.length) stack[stack.length - 1].child += s.e.dur!;
  };
  for (const e of xs) {
    while (stack.length && stack[stack.length - 1].end <= e.ts) pop();
    stack.push({ e, end: e.ts + e.dur!, child: 0 });
  }
  while (stack.length) pop();
  const span = (xs.at(-1)!.ts - xs[0].ts) / 1000;
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([n, us]) => `${((100 * us) / 1000 / span).toFixed(1).padStart(5)} % of ${span.toFixed(0)} ms  ${(us / 1000).toFixed(0).padStart(7)} ms  ${n} (${(count.get(n)! / (span / 1000)).toFixed(1)}/s)`);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self and total time by function (name, file:line), the heaviest first. */
function summarize(profile: CpuProfile, top = 25): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const key = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  };
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  let all = 0;
  for (const [id, us] of self) {
    all += us;
    selfBy.set(key(id), (selfBy.get(key(id)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(at);
      if (seen.has(k)) continue;
      seen.add(k);
      totalBy.set(k, (totalBy.get(k) ?? 0) + us);
    }
  }
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((100 * us) / all).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  return [`sampled ${(all / 1e6).toFixed(1)} s`, '-- self --', ...fmt(selfBy), '-- total --', ...fmt(totalBy)];
}

interface Click {
  atS: number;
  /** Input event to the first task after the next frame, in the page. */
  inPageMs: number;
  /** The bench's dispatch until that frame ran (CDP hops included). */
  roundTripMs: number;
}

interface Leg {
  name: string;
  samples: Sample[];
  clicks: Click[];
  stopMs: number;
  error?: string;
  /** The page's main thread busy / in script, % of the flood's wall time (Performance.getMetrics). */
  busy?: string;
  /** serve's CPU (all its threads), % of one core over the flood. */
  serveCpu?: string;
  /** 1-minute load average at the leg's start and end (the machine is shared). */
  load?: string;
}

interface Sample {
  atS: number;
  lines: number;
  clickMs: number;
  heapMB: number;
  serveRssMB: number;
}

/** utime + stime of a process, in seconds (clock ticks of 10 ms here). */
function cpuS(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

function rssMB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function serve(root: string, dataHome: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [path.join(root, 'dist/electron/cli.cjs'), 'serve'], { cwd: root, env: { ...process.env, XDG_DATA_HOME: dataHome }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.stderr!.resume();
    proc.on('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  return { url, proc };
}

async function nextFrame(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0))));
}

async function leg(name: string, root: string, loadBin: string): Promise<Leg> {
  const load0 = os.loadavg()[0].toFixed(1);
  const l = await legRun(name, root, loadBin);
  return { ...l, load: `${load0} → ${os.loadavg()[0].toFixed(1)}` };
}

async function legRun(name: string, root: string, loadBin: string): Promise<Leg> {
  const dataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-uiflood-'));
  const { url, proc } = await serve(root, dataHome);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
  const load = spawn(loadBin, ['if=/dev/zero', 'of=/dev/null', 'bs=1'], { stdio: 'ignore' });
  const samples: Sample[] = [];
  const clicks: Click[] = [];
  let stopMs = NaN;
  let busy = '–';
  let serveCpu = '–';
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await page.goto(url);
    await page.waitForSelector('.monaco-editor', { timeout: 60_000 });
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(SCRIPT);
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => /running/i.test(document.querySelector('[data-testid="status-state"]')?.textContent ?? ''), null, { timeout: 30_000 });
    if (PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    if (TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'] });
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
    const m0 = await metrics();
    const cpu0 = cpuS(proc.pid!);
    const t0 = performance.now();
    // Clicks every UI_FLOOD_CLICK_MS (1 s): a mouse press and release at the toggle's place
    // (CDP input, as a user's click arrives; no waiting for the element to be "stable"). Two
    // latencies: in the page, from the input event's timestamp until the first task after the
    // next animation frame (click-to-paint, as the user sees it); and the bench's round trip
    // (dispatch until that frame ran, as the parent build's table measured, with CDP's hops).
    await page.evaluate(() => {
      const w = window as unknown as { __clicks: number[] };
      w.__clicks = [];
      document.addEventListener(
        'click',
        (e) => {
          const at = e.timeStamp;
          requestAnimationFrame(() => setTimeout(() => w.__clicks.push(performance.now() - at), 0));
        },
        { capture: true },
      );
    });
    const box = (await page.locator('[data-testid="log-timestamps"]').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    let nextSample = 5;
    for (let k = 1; (k * CLICK_MS) / 1000 <= SECONDS; k++) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + k * CLICK_MS - performance.now())));
      const c0 = performance.now();
      await page.mouse.click(cx, cy);
      await nextFrame(page);
      const roundTripMs = performance.now() - c0;
      const inPageMs = await page.evaluate(async () => {
        const w = window as unknown as { __clicks: number[] };
        while (w.__clicks.length === 0) await new Promise((r) => setTimeout(r, 5));
        return w.__clicks.shift()!;
      });
      const atS = (k * CLICK_MS) / 1000;
      clicks.push({ atS, inPageMs, roundTripMs });
      if (atS < nextSample) continue;
      nextSample += 5;
      const recent = clicks.filter((c) => c.atS > atS - 5);
      const clickMs = Math.max(...recent.map((c) => c.inPageMs));
      const lines = await page.evaluate(() => Number((document.querySelector('.output-pane .count')?.textContent ?? '0').replace(/,/g, '')));
      // The live heap: garbage collected first, so a sample measures what the page keeps, not when V8 last collected.
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      samples.push({ atS, lines, clickMs, heapMB: heap.usedSize / 1e6, serveRssMB: rssMB(proc.pid!) });
      console.log(`${name}: ${atS}s ${lines.toLocaleString('en-US')} lines, click-to-paint max of the last 5 s ${clickMs.toFixed(0)} ms (round trip ${Math.max(...recent.map((c) => c.roundTripMs)).toFixed(0)} ms), heap ${(heap.usedSize / 1e6).toFixed(0)} MB, serve RSS ${rssMB(proc.pid!).toFixed(0)} MB`);
    }
    if (TRACE) console.log([`${name}: the page's main thread by trace event (self time)`, ...traceSummary(JSON.parse((await browser.stopTracing()).toString('utf8')))].join('\n'));
    const m1 = await metrics();
    const wall = (performance.now() - t0) / 1000;
    const share = (k: string) => `${((100 * (m1[k] - m0[k])) / wall).toFixed(0)} %`;
    busy = `${share('TaskDuration')} / ${share('ScriptDuration')}`;
    serveCpu = `${((100 * (cpuS(proc.pid!) - cpu0)) / wall).toFixed(0)} %`;
    console.log(`${name}: page main thread over ${wall.toFixed(0)} s: tasks ${share('TaskDuration')}, script ${share('ScriptDuration')}, layout ${share('LayoutDuration')}, style ${share('RecalcStyleDuration')}`);
    if (PROFILE) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      fs.mkdirSync('bench/output', { recursive: true });
      const file = `bench/output/ui-flood-${name.replace(/\W+/g, '-')}.cpuprofile`;
      fs.writeFileSync(file, JSON.stringify(profile));
      console.log([`${name}: CPU profile of the page (${file})`, ...summarize(profile)].join('\n'));
    }
    const s0 = performance.now();
    await page.click('[data-testid="stop-button"]', { timeout: 60_000 });
    await page.waitForFunction(() => /exited/i.test(document.querySelector('[data-testid="status-state"]')?.textContent ?? ''), null, { timeout: 120_000, polling: 20 });
    stopMs = performance.now() - s0;
    return { name, samples, clicks, stopMs, busy, serveCpu };
  } catch (e) {
    return { name, samples, clicks, stopMs, busy, serveCpu, error: (e as Error).message.split('\n')[0] };
  } finally {
    load.kill('SIGKILL');
    await browser.close();
    proc.kill('SIGINT');
    await new Promise((r) => proc.once('exit', r));
    fs.rmSync(dataHome, { recursive: true, force: true });
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-uiflood-load-'));
try {
  const loadBin = path.join(tmp, LOAD_COMM);
  fs.symlinkSync('/usr/bin/dd', loadBin);
  const legs = [await leg('this build', process.cwd(), loadBin)];
  if (process.env.UI_FLOOD_BEFORE) legs.push(await leg('before', path.resolve(process.env.UI_FLOOD_BEFORE), loadBin));
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  };
  console.log(`\n${SECONDS} s flood, a click every ${CLICK_MS} ms, samples every 5 s; ${SCRIPT}\n`);
  console.log('| build | lines at the end | click-to-paint p50 ms | p95 ms (aim ≤ 100) | max ms | p95 first / last 30 s | round trip p50 / p95 ms | Stop ms (aim ≤ 1,000) | page heap first → last (max) MB (aim flat) | serve RSS max MB | page main thread busy / script | serve CPU | load average during the leg |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const l of legs) {
    const c = l.clicks.map((x) => x.inPageMs);
    const r = l.clicks.map((x) => x.roundTripMs);
    const head = l.clicks.filter((x) => x.atS <= 30).map((x) => x.inPageMs);
    const tail = l.clicks.filter((x) => x.atS > SECONDS - 30).map((x) => x.inPageMs);
    const f = (xs: number[], p: number) => (xs.length ? pct(xs, p).toFixed(0) : '–');
    const last = l.samples.at(-1);
    console.log(
      `| ${l.name}${l.error ? ` (failed: ${l.error})` : ''} | ${last?.lines.toLocaleString('en-US') ?? '–'} | ${f(c, 50)} | ${f(c, 95)} | ${c.length ? Math.max(...c).toFixed(0) : '–'} | ${f(head, 95)} / ${f(tail, 95)} | ${f(r, 50)} / ${f(r, 95)} | ${Number.isNaN(l.stopMs) ? '–' : l.stopMs.toFixed(0)} | ${l.samples[0]?.heapMB.toFixed(0) ?? '–'} → ${last?.heapMB.toFixed(0) ?? '–'} (${Math.max(0, ...l.samples.map((x) => x.heapMB)).toFixed(0)}) | ${Math.max(0, ...l.samples.map((x) => x.serveRssMB)).toFixed(0)} | ${l.busy} | ${l.serveCpu} | ${l.load} |`,
    );
  }
  fs.mkdirSync('bench/output', { recursive: true });
  fs.writeFileSync('bench/output/ui-flood.json', JSON.stringify({ seconds: SECONDS, script: SCRIPT, legs }, null, 2) + '\n');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
