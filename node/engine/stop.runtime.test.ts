// Runtime tier, on every installed bpftrace: stopping keeps the result. A user-stack map of
// tens of thousands of keys takes bpftrace seconds to symbolize and print after SIGINT; kscope
// waits while it works (past the quiet deadline), says so, and records the final print. A
// second stop forces it: the recording says the result is the last snapshot, and the torn
// map record never shows up as a printf line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, runToEnd, waitFor } from '../../test/support/runtime.js';
import type { Session } from './session.js';
import { Engine } from './sessions.js';

// What each version does with BIG_USTACK after SIGINT, measured here: 0.27 symbolizes for
// seconds with CPU and output moving (the case kscope must wait for); 0.17 and 0.23 sleep (no
// CPU, no output) and may end by themselves or not (the quiet path: unit-tested in
// stop-watch.test.ts). 0.23 may also finish within a second, leaving nothing to force.
const VERSIONS = [
  { name: '0.17', path: '/usr/bin/bpftrace', busyAtStop: false, forceable: true },
  { name: '0.23', path: '/opt/bpftrace-0.23.2/bpftrace', busyAtStop: false, forceable: false },
  { name: '0.27', path: '/opt/bpftrace-0.27.1/bpftrace', busyAtStop: true, forceable: true },
];
const notRoot = process.getuid?.() !== 0;
if (notRoot) console.warn('skipping stop runtime tests: needs root (bpftrace attaches probes)');

// Every syscall a new key with its user stack: a big map whose exit dump takes bpftrace seconds.
// Bounded, and not fed by bpftrace's own writes: without both, 0.23 went on printing (11 GB
// in 20 min) because each write it made while printing added a key.
// 100,000 keys: on a quiet machine 0.27 needs ~3 s to print them (30,000 took 0.6 s here,
// less than the 1 s a stop waits before it says so).
const BIG_USTACK = 'tracepoint:raw_syscalls:sys_enter /@k < 100000 && comm != "bpftrace"/ { @k = @k + 1; @u[ustack, nsecs] = count(); }';

/**
 * Attached, then `ms` with syscalls of our own going (a read-only stat loop in a child), so the
 * map fills whatever else the machine is doing.
 */
async function attachedThen(s: Session, ms: number): Promise<void> {
  await waitFor(() => s.status().attachedProbes !== null || s.state === 'exited', 'attach', 30_000);
  const load = spawn(process.execPath, ['-e', `const fs = require('fs'); const end = Date.now() + ${ms}; while (Date.now() < end) fs.statSync('/');`], { stdio: 'ignore' });
  await new Promise((r) => load.on('exit', r));
}

for (const v of VERSIONS) {
  const missing = !fs.existsSync(v.path);
  if (missing && !notRoot) console.warn(`skipping stop runtime tests on bpftrace ${v.name}: ${v.path} is not installed`);
  describe.skipIf(notRoot || missing)(`stop without losing the result on bpftrace ${v.name}`, () => {
    let tmp: string;
    let engine: Engine;
    beforeAll(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-stop-'));
      engine = new Engine({
        kscopeVersion: 'test',
        recordingsDir: tmp,
        capabilities: () => ({}),
        env: { ...process.env, KSCOPE_BPFTRACE: v.path },
        // A short quiet deadline: the old fixed deadline would have killed bpftrace mid-print.
        deadlines: { sigintMs: 1000, sigtermMs: 1000 },
      });
    });
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    if (!v.busyAtStop) console.warn(`stop runtime test on bpftrace ${v.name}: the wait test is skipped: this version sleeps after SIGINT on this workload (measured), so there is no work to wait for`);
    if (!v.forceable) console.warn(`stop runtime test on bpftrace ${v.name}: the force test is skipped: this version's stop may end within a second here, leaving nothing to force`);
    it.skipIf(!v.busyAtStop)('waits while bpftrace works on its final print and keeps it', async () => {
      const seen: { message: string; busy: boolean }[] = [];
      const r = await runToEnd(engine, BIG_USTACK, { snapshotMs: 0, mapKeysMax: 200_000 }, async (s) => {
        await attachedThen(s, 1500);
        const stopped = s.stop();
        const watch = setInterval(() => {
          const st = s.status().stopping;
          if (st) seen.push({ message: st.message, busy: st.busy });
        }, 100);
        await stopped;
        clearInterval(watch);
      });
      const exit = ofType(r.events, 'exit')[0];
      const busy = seen.some((x) => x.busy);
      expect(seen.some((x) => /^bpftrace is resolving stack symbols: [\d.]+ (B|KB|MB) so far/.test(x.message))).toBe(true);
      expect(busy).toBe(true);
      expect(exit.signal).toBeNull(); // not SIGTERM'd after 1 s, as the old fixed deadline would have
      expect(exit.result).toBe('final');
      expect(ofType(r.events, 'warning').some((w) => w.message.startsWith("Waiting for bpftrace's final print: bpftrace is resolving stack symbols"))).toBe(true);
      expect(ofType(r.events, 'map').filter((e) => e.name === '@u' && !e.snapshot)).toHaveLength(1);
      expect(exit.forced).toBeUndefined();
      expect(ofType(r.events, 'printf').some((p) => p.text.includes('"type"'))).toBe(false);
    });

    it.skipIf(!v.forceable)('a second stop forces it: the maps keep their last snapshot, and the recording says so', async () => {
      // No escalation of its own here: only the user's second stop ends it.
      const patient = new Engine({ kscopeVersion: 'test', recordingsDir: tmp, capabilities: () => ({}), env: { ...process.env, KSCOPE_BPFTRACE: v.path }, deadlines: { sigintMs: 60_000, sigtermMs: 1000 } });
      const r = await runToEnd(patient, BIG_USTACK, { snapshotMs: 250, mapKeysMax: 200_000 }, async (s) => {
        await attachedThen(s, 1500);
        const stopped = s.stop();
        expect(await Promise.race([s.stop(), new Promise((res) => setTimeout(() => res('pending'), 100))])).toBe('pending'); // a double click does not force
        await waitFor(() => (s.status().stopping?.sinceMs ?? 0) >= 1000 || s.state === 'exited', 'a second into the stop', 60_000);
        expect(s.state).toBe('stopping');
        expect(await s.stop()).toBe(true); // Stop again
        await stopped;
      });
      const exit = ofType(r.events, 'exit')[0];
      expect(exit.forced).toBe(true);
      expect(exit.signal).toBe('SIGKILL');
      expect(['last-snapshot', 'partial']).toContain(exit.result);
      expect(r.session.status().exit).toMatchObject({ result: exit.result, forced: true });
      const said = ofType(r.events, 'warning').find((w) => w.message.startsWith('Stopped by force'));
      const printed = new Set(ofType(r.events, 'map').map((e) => e.name));
      // Every map printed before is named as its last snapshot (or final when the dump got to it).
      for (const name of printed) expect(said?.message).toContain(name);
      if (printed.size === 0) expect(said?.message).toMatch(/no map had a snapshot to keep/);
      // No torn fragment of the final print became text.
      expect(ofType(r.events, 'printf').some((p) => p.text.includes('"type"'))).toBe(false);
    });
  });
}
