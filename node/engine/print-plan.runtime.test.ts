// Runtime tier, on every installed bpftrace (0.17, 0.23, 0.27): kscope's snapshots respect
// the script. The interval idiom's own prints are what the live view shows (kscope never
// injects a print of a map the script prints and clears); stack maps print live on 0.22+
// (self:signal probe) as on 0.17 (SIGUSR1); snapshot flags are true before the exit dump
// and false for it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateEvent, MapEvent } from '../../common/contract/index.js';
import { ofType, runToEnd, waitFor } from '../../test/support/runtime.js';
import type { Session } from './session.js';
import { Engine } from './sessions.js';

const VERSIONS = [
  { name: '0.17', path: '/usr/bin/bpftrace' },
  { name: '0.23', path: '/opt/bpftrace-0.23.2/bpftrace' },
  { name: '0.27', path: '/opt/bpftrace-0.27.1/bpftrace' },
];
const notRoot = process.getuid?.() !== 0;
if (notRoot) console.warn('skipping print-plan runtime tests: needs root (bpftrace attaches probes)');

/** Run for `ms` after bpftrace attached (0.27 takes longer than 0.17 to start), then stop. */
const runFor = (ms: number) => async (s: Session) => {
  await waitFor(() => s.status().attachedProbes !== null || s.state === 'exited', 'attach', 30_000);
  await new Promise((r) => setTimeout(r, ms));
  await s.stop();
};

const IDIOM = 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); @total = count(); }\ninterval:ms:400 { print(@, 5); clear(@); }\n';

for (const v of VERSIONS) {
  const missing = !fs.existsSync(v.path);
  if (missing && !notRoot) console.warn(`skipping print-plan runtime tests on bpftrace ${v.name}: ${v.path} is not installed (scripts/setup.sh installs it)`);
  describe.skipIf(notRoot || missing)(`snapshots respect the script on bpftrace ${v.name}`, () => {
    let tmp: string;
    let engine: Engine;
    beforeAll(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-plan-'));
      engine = new Engine({ kscopeVersion: 'test', recordingsDir: tmp, capabilities: () => ({}), env: { ...process.env, KSCOPE_BPFTRACE: v.path } });
    });
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('interval:… { print(@, 5); clear(@); }: the live table shows exactly what bpftrace printed, marked as the script\'s', async () => {
      const r = await runToEnd(engine, IDIOM, { snapshotMs: 150 }, runFor(2000));
      expect(r.recording.header.injected?.maps).toEqual(['@total']);
      expect(r.recording.header.injected?.scriptPrints).toEqual(['@']);
      const printed = ofType(r.events, 'map').filter((e) => e.name === '@');
      const periodic = printed.filter((e) => e.snapshot);
      expect(periodic.length).toBeGreaterThanOrEqual(3);
      for (const e of periodic) {
        expect(e.by).toBe('script');
        expect(e.entries.length).toBeLessThanOrEqual(5); // the user's top-5 print, nothing added
      }
      // Every '@' the renderer was sent is one bpftrace printed, key for key, value for value.
      const sent = r.updates.flatMap((u) => u.maps).filter((m): m is MapEvent => m.name === '@' && m.type === 'map');
      expect(sent.length).toBeGreaterThanOrEqual(2);
      const asText = (m: AggregateEvent) => JSON.stringify([m.t, m.entries]);
      const recorded = new Set(printed.map(asText));
      for (const m of sent) expect(recorded.has(asText(m))).toBe(true);
      // kscope's own snapshots of @total are kscope's; the exit dump is nobody's snapshot.
      const totals = ofType(r.events, 'map').filter((e) => e.name === '@total');
      expect(totals.filter((e) => e.snapshot).every((e) => e.by === 'kscope')).toBe(true);
      const exitDump = ofType(r.events, 'map').filter((e) => !e.snapshot);
      expect(exitDump.map((e) => e.name).sort()).toContain('@total');
      expect(exitDump.every((e) => e.by === undefined)).toBe(true);
      const lastSnapshot = Math.max(...ofType(r.events, 'map').filter((e) => e.snapshot).map((e) => r.events.indexOf(e)));
      const firstFinal = Math.min(...exitDump.map((e) => r.events.indexOf(e)));
      expect(lastSnapshot).toBeLessThan(firstFinal); // flags flip once: snapshots, then the exit dump
      expect(r.events.some((e) => e.type === 'printf' && e.text.includes('__kscope'))).toBe(false);
    });

    it('a stack map prints live (SIGUSR1 on 0.17, a self:signal probe on 0.22+), then its exit dump', async () => {
      const r = await runToEnd(engine, 'profile:hz:199 { @s[kstack] = count(); }', { snapshotMs: 250, mapKeysMax: 65536 }, runFor(2600));
      expect(r.recording.header.injected?.stackPrint).toBe(v.name === '0.17' ? 'sigusr1' : 'signal-probe');
      const prints = ofType(r.events, 'map').filter((e) => e.name === '@s');
      const live = prints.filter((e) => e.snapshot);
      expect(live.length).toBeGreaterThanOrEqual(1);
      expect(live.every((e) => e.by === 'kscope' && e.entries.length > 0)).toBe(true);
      expect(prints[prints.length - 1].snapshot).toBe(false);
      const flames = r.updates.flatMap((u) => u.flames).filter((f) => f.name === '@s');
      expect(flames.filter((f) => f.snapshot).length).toBeGreaterThanOrEqual(1); // live flame graph before the stop
      expect(r.session.status().attachedProbes).toBe(1); // kscope's probes are not the user's
    });
  });
}
