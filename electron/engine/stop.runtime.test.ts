// Runtime tier, on every installed bpftrace: stopping keeps the result. A user-stack map of
// tens of thousands of keys takes bpftrace seconds to symbolize and print after SIGINT; kscope
// waits while it works (past the quiet deadline), says so, and records the final print. A
// second stop forces it: the recording says the result is the last snapshot, and the torn
// map record never shows up as a printf line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, runToEnd, waitFor } from './runtime-test-helpers.js';
import type { Session } from './session.js';
import { Engine } from './sessions.js';

const VERSIONS = [
  { name: '0.17', path: '/usr/bin/bpftrace' },
  { name: '0.23', path: '/opt/bpftrace-0.23.2/bpftrace' },
  { name: '0.27', path: '/opt/bpftrace-0.27.1/bpftrace' },
];
const notRoot = process.getuid?.() !== 0;
if (notRoot) console.warn('skipping stop runtime tests: needs root (bpftrace attaches probes)');

// Every syscall a new key with its user stack: a big map whose exit dump takes bpftrace seconds.
// Bounded, and not fed by bpftrace's own writes: without both, 0.23 went on printing (11 GB
// in 20 min) because each write it made while printing added a key.
const BIG_USTACK = 'tracepoint:raw_syscalls:sys_enter /@k < 30000 && comm != "bpftrace"/ { @k = @k + 1; @u[ustack, nsecs] = count(); }';

async function attachedThen(s: Session, ms: number): Promise<void> {
  await waitFor(() => s.status().attachedProbes !== null || s.state === 'exited', 'attach', 30_000);
  await new Promise((r) => setTimeout(r, ms));
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

    it('waits while bpftrace prints a big ustack map, says so, and keeps the final print', async () => {
      const seen: string[] = [];
      const r = await runToEnd(engine, BIG_USTACK, { snapshotMs: 0, mapKeysMax: 200_000 }, async (s) => {
        await attachedThen(s, 1500);
        const stopped = s.stop();
        const watch = setInterval(() => {
          const st = s.status().stopping;
          if (st) seen.push(st.message);
        }, 100);
        await stopped;
        clearInterval(watch);
      });
      const exit = ofType(r.events, 'exit')[0];
      expect(exit.signal).toBeNull(); // bpftrace ended by itself: not SIGTERM'd after 1 s of "quiet"
      expect(exit.result).toBe('final');
      expect(exit.forced).toBeUndefined();
      const waited = ofType(r.events, 'warning').find((w) => w.message.startsWith("Waiting for bpftrace's final print: bpftrace is resolving stack symbols"));
      expect(waited, 'the wait is announced in the recording').toBeDefined();
      expect(seen.some((m) => /^bpftrace is resolving stack symbols: [\d.]+ (B|KB|MB) so far/.test(m))).toBe(true);
      const finals = ofType(r.events, 'map').filter((e) => e.name === '@u' && !e.snapshot);
      expect(finals).toHaveLength(1);
      expect(ofType(r.events, 'printf').some((p) => p.text.startsWith('{'))).toBe(false);
    });

    it('a second stop forces it: the result is the last snapshot, and the recording says so', async () => {
      const r = await runToEnd(engine, BIG_USTACK, { snapshotMs: 250, mapKeysMax: 200_000 }, async (s) => {
        await attachedThen(s, 1500);
        const stopped = s.stop();
        // Past a double click's window, while bpftrace is visibly working.
        await waitFor(() => (s.status().stopping?.busy === true && s.status().stopping!.sinceMs >= 1000) || s.state === 'exited', 'bpftrace busy after SIGINT', 60_000);
        expect(s.state).toBe('stopping');
        await s.stop(); // Stop again
        await stopped;
      });
      const exit = ofType(r.events, 'exit')[0];
      expect(exit.forced).toBe(true);
      expect(exit.signal).toBe('SIGKILL');
      expect(['last-snapshot', 'partial']).toContain(exit.result);
      expect(r.session.status().exit?.result).toBe(exit.result);
      const said = ofType(r.events, 'warning').find((w) => w.message.startsWith('Stopped by force'));
      expect(said?.message).toMatch(/@u is its last snapshot/);
      // No torn fragment of the final print became text.
      expect(ofType(r.events, 'printf').some((p) => p.text.includes('"type"'))).toBe(false);
    });
  });
}
