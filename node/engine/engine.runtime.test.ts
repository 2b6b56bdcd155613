// Runtime tier: the engine against the real bpftrace on this kernel. Every run goes
// through Engine (spawn, decode, inject, record, stream, stop) and is checked twice: in
// the updates the renderer would get and in the recording read back with parseRecording.
// No test times kscope; the only clock is an event-loop liveness check in the flood test.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunOptions } from '../../common/contract/index.js';
import { createBackend } from '../backend.js';
import { parseRecording } from '../recordings/writer.js';
import { bundleCli, childrenOf, isGone, ofType, readRecording, runToEnd, UpdateLog, waitFor } from '../../test/support/runtime.js';
import { Engine, RunRefused } from './sessions.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping runtime tests: ${why}`);

const FENCE_TEXT = '__kscope';

describe.skipIf(why !== null)('engine on real bpftrace', () => {
  let tmp: string;
  let engine: Engine;
  let cli: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-runtime-'));
    // A fresh CLI bundle of the current sources (dist/ may be stale or being rebuilt by others).
    cli = path.join(tmp, 'cli.cjs');
    await bundleCli(cli);
    engine = createBackend({ recordingsDir: path.join(tmp, 'recordings') }).engine;
  });

  afterAll(async () => {
    if (engine) {
      engine.killAll();
      await engine.stopAll();
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe("the seed's lessons", () => {
    it('lesson 2: hello world', async () => {
      const r = await runToEnd(engine, 'BEGIN { printf("hello world\\n"); exit(); }', { snapshotMs: 1000 });
      expect(ofType(r.events, 'printf').map((e) => e.text)).toEqual(['hello world\n']);
      expect(r.updates.flatMap((u) => u.printf.map((p) => p.text))).toEqual(['hello world\n']);
      expect(ofType(r.events, 'attached')[0]?.probes).toBe(1);
      expect(ofType(r.events, 'error')).toEqual([]);
      const exit = ofType(r.events, 'exit');
      expect(exit).toHaveLength(1);
      expect(exit[0].code).toBe(0);
      expect(r.events[r.events.length - 1].type).toBe('exit');
      expect(r.recording.header.script).toContain('hello world');
      expect(r.recording.header.bpftraceVersion).toMatch(/^\d+\.\d+/);
      expect(r.recording.torn).toBe(false);
      expect(r.recording.invalid).toEqual([]);
      const last = r.updates[r.updates.length - 1];
      expect(last.status).toMatchObject({ state: 'exited', attachedProbes: 1, printfLines: 1, exit: { code: 0, signal: null } });
    });

    it('lesson 3: files opened (sees the path this test opens)', async () => {
      const file = path.join(tmp, `opened-by-test-${process.pid}.txt`);
      fs.writeFileSync(file, 'x');
      const r = await runToEnd(
        engine,
        'tracepoint:syscalls:sys_enter_openat { printf("%s %s\\n", comm, str(args->filename)); }',
        { durationSec: 1.5 },
        () => {
          const timer = setInterval(() => fs.readFileSync(file), 20);
          return () => clearInterval(timer);
        },
      );
      const lines = ofType(r.events, 'printf').map((e) => e.text);
      expect(lines.some((l) => l.includes(file))).toBe(true);
      expect(lines.every((l) => /^\S.* .*\n$/.test(l))).toBe(true);
      expect(ofType(r.events, 'exit')[0].code).toBe(0);
      const last = r.updates[r.updates.length - 1].status;
      expect(last.printfLines).toBe(lines.length);
    });

    it('lesson 4: syscalls by process, with live snapshots and the final dump', async () => {
      const r = await runToEnd(engine, 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }', { snapshotMs: 200, durationSec: 1.5 });
      const maps = ofType(r.events, 'map');
      const snaps = maps.filter((m) => m.snapshot);
      expect(snaps.length).toBeGreaterThanOrEqual(2);
      for (const m of maps) {
        expect(m.name).toBe('@');
        expect(m.entries.length).toBeGreaterThan(0);
        for (const e of m.entries) {
          expect(typeof e.key).toBe('string');
          expect(typeof e.value).toBe('number');
        }
      }
      // bpftrace's own dump on SIGINT comes after every snapshot and is not one.
      const finals = maps.filter((m) => !m.snapshot);
      expect(finals.length).toBe(1);
      expect(maps.indexOf(finals[0])).toBe(maps.length - 1);
      expect(r.recording.header.injected).toMatchObject({ intervalMs: 200, maps: ['@'], scriptPrints: [] });
      // The injected snapshot probe is not the user's.
      const last = r.updates[r.updates.length - 1].status;
      expect(last.attachedProbes).toBe(1);
      expect(last.exit?.code).toBe(0);
      // Nothing of the fence leaks as printf, in the recording or the updates.
      expect(ofType(r.events, 'printf').filter((p) => p.text.includes(FENCE_TEXT))).toEqual([]);
      expect(r.updates.flatMap((u) => u.printf).filter((p) => p.text.includes(FENCE_TEXT))).toEqual([]);
      expect(r.updates.flatMap((u) => u.maps).filter((m) => m.snapshot).length).toBeGreaterThanOrEqual(2);
    });

    it('lesson 5: read() sizes as a histogram', async () => {
      const file = path.join(tmp, 'read-me.bin');
      fs.writeFileSync(file, Buffer.alloc(64 * 1024, 1));
      const r = await runToEnd(engine, 'tracepoint:syscalls:sys_exit_read { @bytes = hist(args->ret); }', { snapshotMs: 300, durationSec: 1.5 }, () => {
        const timer = setInterval(() => fs.readFileSync(file), 20);
        return () => clearInterval(timer);
      });
      const hists = ofType(r.events, 'hist');
      expect(hists.length).toBeGreaterThanOrEqual(2);
      const final = hists[hists.length - 1];
      expect(final.snapshot).toBe(false);
      expect(final.name).toBe('@bytes');
      expect(final.entries).toHaveLength(1);
      expect(final.entries[0].key).toBeNull();
      const buckets = final.entries[0].buckets;
      expect(buckets.length).toBeGreaterThan(0);
      expect(buckets.reduce((n, b) => n + b.count, 0)).toBeGreaterThan(0);
      for (const b of buckets) if (b.min !== undefined && b.max !== undefined) expect(BigInt(b.max) >= BigInt(b.min)).toBe(true);
      expect(ofType(r.events, 'exit')[0].code).toBe(0);
    });

    it('lesson 8: scheduler tracepoints counted by probe, then exit()', async () => {
      const r = await runToEnd(engine, 'tracepoint:sched:sched* { @[probe] = count(); } interval:s:1 { exit(); }', { snapshotMs: 300 });
      const maps = ofType(r.events, 'map');
      expect(maps.length).toBeGreaterThan(0);
      const final = maps[maps.length - 1];
      expect(final.snapshot).toBe(false);
      expect(final.entries.length).toBeGreaterThan(0);
      for (const e of final.entries) expect(e.key).toMatch(/^tracepoint:sched:sched_\w+$/);
      expect(ofType(r.events, 'exit')[0].code).toBe(0);
      const last = r.updates[r.updates.length - 1].status;
      expect(last.attachedProbes).toBeGreaterThan(1);
      expect(last.exit?.code).toBe(0);
    });

    it('lesson 11: block I/O sizes (may see no I/O; must run and end cleanly)', async () => {
      const file = path.join(tmp, 'block-io.bin');
      const r = await runToEnd(engine, 'tracepoint:block:block_rq_issue { @ = hist(args->bytes); }', { durationSec: 1.5 }, () => {
        const timer = setInterval(() => {
          fs.writeFileSync(file, Buffer.alloc(256 * 1024, Date.now() & 0xff));
          const fd = fs.openSync(file, 'r+');
          fs.fsyncSync(fd);
          fs.closeSync(fd);
        }, 100);
        return () => clearInterval(timer);
      });
      expect(ofType(r.events, 'error')).toEqual([]);
      expect(ofType(r.events, 'attached')[0]?.probes).toBeGreaterThanOrEqual(1);
      expect(r.updates[r.updates.length - 1].status.attachedProbes).toBe(1);
      expect(ofType(r.events, 'exit')[0].code).toBe(0);
      for (const h of ofType(r.events, 'hist')) {
        expect(h.name).toBe('@');
        for (const e of h.entries) expect(e.buckets.length).toBeGreaterThan(0);
      }
    });
  });

  describe('errors a user meets', () => {
    it('a syntax error: error event with line and column, non-zero exit', async () => {
      const r = await runToEnd(engine, 'BEGIN { printf("x") ', {});
      const errors = ofType(r.events, 'error');
      expect(errors.length).toBeGreaterThanOrEqual(1);
      const e = errors.find((x) => /syntax error/.test(x.message))!;
      expect(e).toBeDefined();
      expect(e.line).toBe(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
      const exit = ofType(r.events, 'exit')[0];
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(r.updates.flatMap((u) => u.errors).some((x) => /syntax error/.test(x.message) && x.line === 1)).toBe(true);
      expect(ofType(r.events, 'attached')).toEqual([]);
    });

    it('a kprobe on a kernel without kprobes: hint names CONFIG_KPROBES and the tracepoint', async () => {
      const source = 'kprobe:vfs_read { @ = count(); }';
      const r = await runToEnd(engine, source, {});
      const errors = ofType(r.events, 'error');
      const hinted = errors.filter((e) => e.hint);
      expect(hinted.length).toBeGreaterThanOrEqual(1);
      const e = hinted[0];
      expect(e.hint).toMatch(/kprobe/i);
      expect(e.hint).toMatch(/CONFIG_KPROBES/);
      expect(e.hint).toMatch(/tracepoint:syscalls:sys_enter_read/);
      expect(e.line).toBe(1);
      expect(e.column).toBe(1);
      expect(exitCode(r.events)).not.toBe(0);
      // The RLIMIT_MEMLOCK noise is not an error a user should see.
      expect(errors.filter((x) => /RLIMIT_MEMLOCK/.test(x.message))).toEqual([]);
    });

    it('bpftrace missing or not executable: run() refuses with a clear message', () => {
      const missing = new Engine({
        kscopeVersion: 'test',
        recordingsDir: path.join(tmp, 'refused'),
        capabilities: () => ({}),
        env: { ...process.env, KSCOPE_BPFTRACE: '/nonexistent/bpftrace' },
      });
      expect(() => missing.run('BEGIN { exit(); }', RunOptions.parse({}))).toThrow(RunRefused);
      expect(() => missing.run('BEGIN { exit(); }', RunOptions.parse({}))).toThrow(/not installed|does not exist/);

      const noExec = path.join(tmp, 'bpftrace-no-x');
      fs.writeFileSync(noExec, '#!/bin/sh\necho bpftrace v0.17.0\n', { mode: 0o644 });
      const notExecutable = new Engine({
        kscopeVersion: 'test',
        recordingsDir: path.join(tmp, 'refused'),
        capabilities: () => ({}),
        env: { ...process.env, KSCOPE_BPFTRACE: noExec },
      });
      expect(() => notExecutable.run('BEGIN { exit(); }', RunOptions.parse({}))).toThrow(/not executable/);
      expect(notExecutable.list()).toEqual([]);
      expect(fs.existsSync(path.join(tmp, 'refused'))).toBe(false);
    });

    it('not root: run() refuses naming root and CAP_BPF', () => {
      const user = new Engine({ kscopeVersion: 'test', recordingsDir: path.join(tmp, 'refused'), capabilities: () => ({}), isRoot: () => false });
      let message = '';
      try {
        user.run('BEGIN { exit(); }', RunOptions.parse({}));
      } catch (e) {
        expect(e).toBeInstanceOf(RunRefused);
        message = (e as Error).message;
      }
      expect(message).toMatch(/root/);
      expect(message).toMatch(/CAP_BPF/);
      expect(user.list()).toEqual([]);
    });
  });

  describe('stopping and concurrency', () => {
    it('stop() ends a script that never exits, with the final dump; a second stop() is a no-op', async () => {
      const log = new UpdateLog(engine);
      const s = engine.run('tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }', RunOptions.parse({ snapshotMs: 200 }));
      await waitFor(() => log.of(s.id).some((u) => u.maps.length > 0), 'a first snapshot');
      expect(s.state).toBe('running');
      const first = s.stop();
      const second = s.stop();
      expect(await first).toBe(true);
      expect(await second).toBe(false);
      expect(s.state).toBe('exited');
      expect(await s.stop()).toBe(false);
      log.close();
      const st = s.status();
      expect(st.state).toBe('exited');
      expect(st.exit).toEqual({ code: 0, signal: null, result: 'final' }); // the final dump came: the result is final
      const events = readRecording(s).events;
      const maps = ofType(events, 'map');
      expect(maps[maps.length - 1].snapshot).toBe(false);
      expect(events[events.length - 1].type).toBe('exit');
      expect(ofType(events, 'exit')).toHaveLength(1);
      const updates = log.of(s.id);
      expect(updates[updates.length - 1].status.state).toBe('exited');
      expect(engine.list().find((i) => i.id === s.id)?.status.state).toBe('exited');
      // The engine still runs scripts after that.
      const again = await runToEnd(engine, 'BEGIN { printf("still here\\n"); exit(); }', {});
      expect(ofType(again.events, 'printf').map((p) => p.text)).toEqual(['still here\n']);
    });

    it('two runs at once keep their events apart', async () => {
      const log = new UpdateLog(engine);
      const a = engine.run('interval:ms:50 { printf("run-A %d\\n", 1); @a = count(); }', RunOptions.parse({ durationSec: 1.5, snapshotMs: 200 }));
      const b = engine.run('interval:ms:50 { printf("run-B %d\\n", 2); @b = count(); }', RunOptions.parse({ durationSec: 1.5, snapshotMs: 200 }));
      expect(a.id).not.toBe(b.id);
      expect(a.recordingPath).not.toBe(b.recordingPath);
      await Promise.all([a.whenEnded(), b.whenEnded()]);
      log.close();
      for (const [s, mine, theirs, myMap, theirMap] of [
        [a, 'run-A', 'run-B', '@a', '@b'],
        [b, 'run-B', 'run-A', '@b', '@a'],
      ] as const) {
        const updates = log.of(s.id);
        expect(updates.length).toBeGreaterThan(0);
        const upText = updates.flatMap((u) => u.printf.map((p) => p.text));
        expect(upText.length).toBeGreaterThan(0);
        expect(upText.every((t) => t.startsWith(mine))).toBe(true);
        expect(updates.flatMap((u) => u.maps).every((m) => m.name === myMap)).toBe(true);
        const events = readRecording(s).events;
        const recText = ofType(events, 'printf').map((p) => p.text);
        expect(recText.length).toBeGreaterThan(0);
        expect(recText.some((t) => t.includes(theirs))).toBe(false);
        expect(ofType(events, 'map').some((m) => m.name === theirMap)).toBe(false);
        expect(ofType(events, 'map').some((m) => m.name === myMap)).toBe(true);
        expect(ofType(events, 'exit')[0].code).toBe(0);
      }
      const seqs = log.of(a.id).map((u) => u.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    });

    it('a printf flood: the loop stays live, updates stay bounded, the recording keeps every line', async () => {
      let lastTick = performance.now();
      let maxGap = 0;
      const ticker = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - lastTick);
        lastTick = now;
      }, 20);
      // Each printf is a write() by bpftrace, which is another sys_enter: it feeds itself.
      let r;
      try {
        r = await runToEnd(engine, 'tracepoint:raw_syscalls:sys_enter { printf("%d %s\\n", nsecs, comm); }', { snapshotMs: 0, durationSec: 2 });
      } finally {
        clearInterval(ticker);
      }
      const status = r.updates[r.updates.length - 1].status;
      const recPrintf = ofType(r.events, 'printf');
      expect(status.state).toBe('exited');
      expect(status.printfLines).toBeGreaterThan(10_000); // it was a flood
      expect(status.printfLines).toBe(recPrintf.length);
      // 0.17 prints %d as a 32-bit int: nsecs may show negative.
      expect(recPrintf.every((p) => /^-?\d+ .*\n$/.test(p.text))).toBe(true);
      for (const u of r.updates) expect(u.printf.length).toBeLessThanOrEqual(1000);
      const sent = r.updates.reduce((n, u) => n + u.printf.length, 0);
      const skipped = r.updates.reduce((n, u) => n + u.printfSkipped, 0);
      expect(sent + skipped).toBe(status.printfLines);
      const lost = ofType(r.events, 'lost').reduce((n, e) => n + e.events, 0);
      expect(status.lostEvents).toBe(lost);
      expect(maxGap).toBeLessThan(1000);
      expect(r.recording.invalid).toEqual([]);
    });
  });

  describe('the process tree and the CLI', () => {
    const node = process.execPath;

    it('SIGKILL of the engine process leaves no bpftrace behind, and its recording is readable', async () => {
      const out = path.join(tmp, 'killed.ndjson');
      // No snapshots and nothing printed after BEGIN: bpftrace never writes to its (broken)
      // stdout after the kill, so SIGPIPE cannot end it; only the parent-death signal can.
      const script = 'BEGIN { printf("started\\n"); } tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }';
      const child = spawn(node, [cli, 'record', '-e', script, '--snapshot-ms', '0', '--output', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      const closed = new Promise<void>((r) => child.on('close', () => r()));
      let pid = 0;
      try {
        await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('"text":"started\\n"'), `bpftrace's first line in the recording (stderr: ${stderr})`, 15_000);
        const bpf = childrenOf(child.pid!).filter((p) => p.comm === 'bpftrace');
        expect(bpf).toHaveLength(1);
        pid = bpf[0].pid;
        expect(isGone(pid)).toBe(false);
        child.kill('SIGKILL');
        await closed;
        const deadline = Date.now() + 3000;
        while (!isGone(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(isGone(pid)).toBe(true);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        if (pid && !isGone(pid)) process.kill(pid, 'SIGKILL'); // never leave probes attached
      }
      const rec = parseRecording(fs.readFileSync(out, 'utf8'));
      expect(rec.header.script).toContain('raw_syscalls');
      expect(rec.invalid).toEqual([]);
      expect(ofType(rec.events, 'attached')[0]?.probes).toBe(2);
      expect(ofType(rec.events, 'printf').map((p) => p.text)).toEqual(['started\n']);
      expect(ofType(rec.events, 'exit')).toEqual([]); // it was killed, not ended
    });

    it('kscope record echoes print(@map), print(value) and the exit dump as bpftrace prints them', () => {
      const script = 'BEGIN { @a[1] = 2; @a[3] = 4; print(@a); print((1, "café")); printf("after\\n"); @s = stats(10); exit(); }';
      const r = spawnSync(node, [cli, 'record', '-e', script, '--output', path.join(tmp, 'echo.ndjson')], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      // The print(), the value and the printf (their order within one update is by kind: printf,
      // maps, values), then the exit dump, in bpftrace's text form.
      expect(r.stdout.split('\n').sort()).toEqual(
        '@a[1]: 2\n@a[3]: 4\n(1, café)\nafter\n@a[1]: 2\n@a[3]: 4\n@s: count 1, average 10, total 10\n\n'.split('\n').sort(),
      );
      expect(r.stdout.endsWith('@a[1]: 2\n@a[3]: 4\n@s: count 1, average 10, total 10\n\n')).toBe(true);
    });

    it('kscope record -e: exits 0, echoes printf, writes header and printf line', () => {
      const out = path.join(tmp, 'hi.ndjson');
      const r = spawnSync(node, [cli, 'record', '-e', 'BEGIN { printf("hi\\n"); exit(); }', '--output', out], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('hi\n');
      const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string });
      expect(lines[0].type).toBe('header');
      expect(lines.filter((l) => l.type === 'printf').map((l) => l.text)).toEqual(['hi\n']);
      expect(lines[lines.length - 1].type).toBe('exit');
    });

    it('kscope record -e with a syntax error: non-zero exit and stdin:1:COL:', () => {
      const r = spawnSync(node, [cli, 'record', '-e', 'BEGIN { printf("x") ', '--output', path.join(tmp, 'bad.ndjson')], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).not.toBe(0);
      expect(r.status).not.toBeNull();
      expect(r.stderr).toMatch(/^stdin:1:\d+: .*syntax error/m);
    });

    it('kscope record FILE.bt with an error on line 2: FILE.bt:2:COL:', () => {
      const file = path.join(tmp, 'two-lines.bt');
      fs.writeFileSync(file, 'BEGIN { printf("start\\n"); }\ninterval:s:1 { @n = count() exit(); }\n');
      const r = spawnSync(node, [cli, 'record', file, '--output', path.join(tmp, 'two.ndjson')], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`${file}:2:`);
      expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: `, 'm'));
    });
  });
});

function exitCode(events: readonly { type: string }[]): number | null | undefined {
  const e = events.find((x) => x.type === 'exit') as { code: number | null } | undefined;
  return e?.code;
}
