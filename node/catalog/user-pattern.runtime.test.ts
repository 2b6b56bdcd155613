// Runtime tier: a uprobe pattern that names a binary lists what the real `bpftrace -l` lists
// for it, and a word search ranks the probes this kernel can attach first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../backend.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace -l)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : !fs.existsSync('/bin/bash') ? 'no /bin/bash' : null;
if (why) console.warn(`skipping user-pattern runtime tests: ${why}`);

describe.skipIf(why !== null)('probe search on this machine', () => {
  const backend = createBackend({ recordingsDir: null, cacheDir: null });

  it('uprobe:/bin/bash:read* lists exactly what bpftrace -l lists', async () => {
    const want = spawnSync('/usr/bin/bpftrace', ['-l', 'uprobe:/bin/bash:read*'], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(want.length).toBeGreaterThan(0);
    const r = await backend.impl.listProbes({ query: 'uprobe:/bin/bash:read*', limit: 5000, offset: 0 });
    expect(r.probes.map((p) => p.name).sort()).toEqual(want);
  });

  it('openat: the usable tracepoints come before the kprobe/kfunc names this kernel lacks', async () => {
    const r = await backend.impl.listProbes({ query: 'openat', limit: 200, offset: 0 });
    const firstUnavailable = r.probes.findIndex((p) => !p.available);
    const enter = r.probes.findIndex((p) => p.name === 'tracepoint:syscalls:sys_enter_openat');
    expect(enter).toBeGreaterThanOrEqual(0);
    expect(enter).toBeLessThan(5);
    // Every available probe is ranked before every unavailable one, and the count says where.
    if (firstUnavailable >= 0) {
      expect(r.probes.slice(firstUnavailable).every((p) => !p.available)).toBe(true);
      expect(r.available).toBe(firstUnavailable);
    }
  });
});
