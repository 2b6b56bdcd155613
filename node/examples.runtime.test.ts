// Runtime tier: every example in the gallery runs on this kernel through the engine (the
// original, or its equivalent where this kernel lacks what the original needs) and
// produces the view its card promises, checked on the recording read back. Runs go four
// at a time (the engine's limit), so the whole file takes about 15 s.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Example, TraceEvent } from '../common/contract/index.js';
import { createBackend, type Backend } from './backend.js';
import { parseRecording } from './recordings/writer.js';
import { bundleCli, ofType, runToEnd, type RunResult } from '../test/support/runtime.js';
import { MAX_CONCURRENT_RUNS } from './engine/sessions.js';
import { exampleRun } from './examples.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping example runtime tests: ${why}`);

/** Stack keys are multi-line strings starting with a newline (tuple parts after a comma). */
const isStackKey = (k: string | null) => typeof k === 'string' && k.startsWith('\n') && k.split('\n').filter((l) => l.trim()).length >= 2;

function lastOf<K extends 'map' | 'hist'>(events: readonly TraceEvent[], type: K, name?: string): Extract<TraceEvent, { type: K }> {
  const all = ofType(events, type).filter((e) => name === undefined || (e as { name: string }).name === name);
  return all[all.length - 1];
}

describe.skipIf(why !== null)('the example gallery on real bpftrace', () => {
  let tmp: string;
  let backend: Backend;
  let list: Example[];
  const results = new Map<string, Promise<RunResult>>();

  // A tiny pool: at most MAX_CONCURRENT_RUNS runs at once on the one engine.
  let running = 0;
  const waiting: (() => void)[] = [];
  async function pooled<T>(f: () => Promise<T>): Promise<T> {
    while (running >= MAX_CONCURRENT_RUNS) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await f();
    } finally {
      running--;
      waiting.shift()?.();
    }
  }

  /** Some work for the probes to see while the examples run: reads, opens, a written and fsynced file. */
  function workload(): () => void {
    const file = path.join(tmp, 'io-load.bin');
    const timer = setInterval(() => {
      fs.readFileSync('/etc/passwd');
      const fd = fs.openSync(file, 'w');
      fs.writeSync(fd, Buffer.alloc(64 * 1024, 7));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      spawnSync('true');
    }, 50);
    return () => clearInterval(timer);
  }

  function run(id: string): Promise<RunResult> {
    let p = results.get(id);
    if (!p) {
      const ex = list.find((e) => e.id === id);
      if (!ex) throw new Error(`no example ${id}`);
      const r = exampleRun(ex);
      // Lesson 8 ends itself after 5 s (interval:s:5 { exit(); }); the others run 2 s.
      const durationSec = /interval:s:\d+\s*\{\s*exit\(\)/.test(r.source) ? undefined : 2;
      p = pooled(() =>
        runToEnd(backend.engine, r.source, { durationSec, snapshotMs: 500, example: { id, variant: r.variant, reason: r.reason } }, () => workload()),
      );
      results.set(id, p);
    }
    return p;
  }

  function endedCleanly(r: RunResult): void {
    expect(ofType(r.events, 'error'), r.recording.header.script).toEqual([]);
    const exit = ofType(r.events, 'exit');
    expect(exit).toHaveLength(1);
    expect(exit[0].code === 0 || exit[0].signal === 'SIGINT').toBe(true);
    expect(r.recording.torn).toBe(false);
  }

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-examples-runtime-'));
    backend = createBackend({ recordingsDir: path.join(tmp, 'recordings') });
    list = backend.impl.examples({}) as Example[];
    // Start every run now; the tests below await their own.
    for (const ex of list) if (ex.action === 'run') void run(ex.id).catch(() => {});
  });

  afterAll(async () => {
    if (backend) {
      backend.engine.killAll();
      await backend.shutdown();
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('on this kernel (no kprobes), lessons 6, 7 and 12 run their equivalent, the rest as written', () => {
    const caps = backend.capabilities();
    const kprobes = caps['probe:kprobe']?.available;
    const notRunnable = list.filter((e) => !e.runnable).map((e) => e.id);
    if (kprobes && caps['kernel-headers']?.available) expect(notRunnable).toEqual([]);
    else if (!kprobes) {
      expect(notRunnable).toEqual(expect.arrayContaining(['lesson-6', 'lesson-7', 'lesson-12']));
      for (const id of ['lesson-6', 'lesson-7', 'lesson-12']) expect(list.find((e) => e.id === id)?.equivalent).not.toBeNull();
    }
    console.log(list.map((e) => `${e.id}: ${e.action === 'browse' ? 'browse' : exampleRun(e).variant} → ${e.view}`).join('\n'));
  });

  it.each([
    ['lesson-2', /^hello world\n$/],
    ['lesson-3', /\S+ \/\S+/],
    ['lesson-12', /^open path: .* \(cwd: .*, parent: .+\)\n$|^open path: /],
    ['file-opens-latency', /\s\d+ us\s+ret -?\d+\s+\//],
  ])('%s prints lines', async (id, line) => {
    const r = await run(id);
    endedCleanly(r);
    const lines = ofType(r.events, 'printf').map((e) => e.text);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => line.test(l)), lines.slice(0, 5).join('')).toBe(true);
  });

  it.each([
    ['lesson-4', undefined, /./],
    ['lesson-8', undefined, /^tracepoint:sched:sched_/],
  ])('%s fills a map with string keys', async (id, name, key) => {
    const r = await run(id);
    endedCleanly(r);
    const m = lastOf(r.events, 'map', name);
    expect(m, 'a map event').toBeDefined();
    expect(m.entries.length).toBeGreaterThan(0);
    expect(m.entries.every((e) => typeof e.key === 'string' && key.test(e.key))).toBe(true);
    if (id === 'lesson-8') expect(m.entries.map((e) => e.key)).toContain('tracepoint:sched:sched_switch');
  });

  it.each(['lesson-5', 'lesson-6', 'lesson-7', 'syscall-latency', 'runqueue-latency'])('%s draws a histogram with buckets', async (id) => {
    const r = await run(id);
    endedCleanly(r);
    const h = lastOf(r.events, 'hist');
    expect(h, 'a hist event').toBeDefined();
    const buckets = h.entries.flatMap((e) => e.buckets);
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.reduce((s, b) => s + b.count, 0)).toBeGreaterThan(0);
    if (id === 'lesson-6') expect(buckets.some((b) => b.min === 0 && b.max !== undefined && Number(b.max) >= 199 && Number(b.max) <= 200), JSON.stringify(buckets.slice(0, 3))).toBe(true); // lhist(…, 0, 2000, 200)
  });

  it('lesson-11 draws block I/O sizes (when this machine issues block I/O)', async () => {
    const r = await run('lesson-11');
    endedCleanly(r);
    const h = lastOf(r.events, 'hist');
    if (!h) {
      console.warn('lesson-11: no block_rq_issue in 2 s despite a written and fsynced file (tmpfs or a virtual disk with no requests): ran and ended cleanly');
      return;
    }
    expect(h.entries.flatMap((e) => e.buckets).length).toBeGreaterThan(0);
  });

  it.each(['lesson-9', 'lesson-10', 'off-cpu'])('%s keys its map by kernel stacks', async (id) => {
    const r = await run(id);
    endedCleanly(r);
    const m = lastOf(r.events, 'map');
    expect(m, 'a map event').toBeDefined();
    expect(m.entries.length).toBeGreaterThan(0);
    expect(m.entries.some((e) => isStackKey(e.key))).toBe(true);
    if (id === 'off-cpu') expect(m.name).toBe('@us');
  });

  it('every run records which example it was, and which variant ran', async () => {
    for (const ex of list.filter((e) => e.action === 'run')) {
      const r = await run(ex.id);
      expect((r.recording.header.options as { example?: unknown }).example).toEqual({ id: ex.id, variant: exampleRun(ex).variant, reason: ex.reason });
    }
  });

  it('kscope record --example lesson-6 runs the equivalent and says why, in the recording', async () => {
    const cli = path.join(tmp, 'cli.cjs');
    await bundleCli(cli);
    const out = path.join(tmp, 'lesson-6.ndjson');
    const r = spawnSync(process.execPath, [cli, 'record', '--example', 'lesson-6', '--duration', '1', '--output', out], {
      encoding: 'utf8',
      env: { ...process.env, KSCOPE_RESOURCES: path.resolve('resources') },
      timeout: 20_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/running the equivalent of lesson-6/);
    const rec = parseRecording(fs.readFileSync(out, 'utf8'));
    const example = (rec.header.options as { example?: { id: string; variant: string; reason: string } }).example;
    expect(example).toMatchObject({ id: 'lesson-6', variant: 'equivalent' });
    expect(example?.reason).toMatch(/CONFIG_KPROBES/);
    expect(rec.header.script).toContain('tracepoint:syscalls:sys_exit_read');
    // Lesson 1 lists probes: record says so and points at the catalog.
    const l1 = spawnSync(process.execPath, [cli, 'record', '--example', 'lesson-1'], { encoding: 'utf8', env: { ...process.env, KSCOPE_RESOURCES: path.resolve('resources') } });
    expect(l1.status).toBe(2);
    expect(l1.stderr).toContain("kscope catalog 'tracepoint:syscalls:sys_enter_*'");
    // An unknown id: exit 2 with the list.
    const bad = spawnSync(process.execPath, [cli, 'record', '--example', 'no-such'], { encoding: 'utf8', env: { ...process.env, KSCOPE_RESOURCES: path.resolve('resources') } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('lesson-12');
  });
});
