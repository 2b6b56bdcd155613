// Runtime tier: the injected snapshot probe is accepted and run by the real bpftrace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTracefs } from '../catalog/tracefs.js';
import { StdoutDecoder } from './decode-stdout.js';
import { injectSnapshot, newFence } from './inject-snapshot.js';

const BPFTRACE = '/usr/bin/bpftrace';
const canRun = process.getuid?.() === 0 && fs.existsSync(BPFTRACE);
if (!canRun) console.warn(`inject-snapshot.runtime: skipped (${fs.existsSync(BPFTRACE) ? 'needs root' : `${BPFTRACE} not found`})`);

function runFor(source: string, seconds: number) {
  return spawnSync('timeout', ['-s', 'INT', '-k', '3', String(seconds), BPFTRACE, '-f', 'json', '-e', source], { encoding: 'utf8' });
}

describe.skipIf(!canRun)('injected snapshot probe on real bpftrace', () => {
  // bpftrace finds tracepoints through tracefs; a fresh machine may not have it mounted.
  beforeAll(() => void ensureTracefs());
  it('runs with a syscall counter and yields fenced snapshots plus a final dump', () => {
    const fence = newFence();
    const user = 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); @ns = hist(nsecs % 4096); }';
    const { source, maps } = injectSnapshot(user, { intervalMs: 200, fence });
    expect(maps).toEqual(['@', '@ns']);
    const r = runFor(source, 1.2);
    expect(r.stderr).not.toMatch(/stdin:\d+.*ERROR/);
    const d = new StdoutDecoder({ fence });
    const evs = [...d.push(r.stdout, 0), ...d.end(0)];
    expect(evs.some((e) => e.type === 'printf')).toBe(false);
    const aggs = evs.filter((e) => e.type === 'map' || e.type === 'hist');
    expect(aggs.filter((e) => e.snapshot).length).toBeGreaterThanOrEqual(4);
    expect(aggs.slice(-2).every((e) => !e.snapshot)).toBe(true);
  });

  it('is valid after #include lines, BEGIN/END and a final comment without newline', () => {
    const fence = newFence();
    const user = '#include <linux/types.h>\nBEGIN { @starts = count(); }\ninterval:ms:100 { @ticks = sum(1); }\nEND { @e = max(3); }\n/* block */ // last comment';
    const { source, injectedProbes } = injectSnapshot(user, { intervalMs: 150, fence });
    expect(injectedProbes).toBe(1);
    const r = runFor(source, 0.8);
    expect(r.stderr).not.toMatch(/ERROR: (?!Unknown error -1)/);
    const d = new StdoutDecoder({ fence });
    const evs = [...d.push(r.stdout, 0), ...d.end(0)];
    const snapNames = evs.filter((e) => e.type === 'map' && e.snapshot).map((e) => (e.type === 'map' ? e.name : ''));
    expect(snapNames).toContain('@starts');
    expect(snapNames).toContain('@ticks');
  });
});
