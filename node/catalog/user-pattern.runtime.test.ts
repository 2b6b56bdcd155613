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

  // The brief's patterns, and the non-glob ones the browser already had, against each bpftrace.
  const PATTERNS = [
    // crt1.o has _dl_relocate_static_pie: a relocatable object bpftrace does not list.
    'uprobe:/usr/lib/x86_64-linux-gnu/*:_dl_*',
    'uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:*',
    'uprobe:/bin/bash:read*',
    'uprobe:/usr/lib/*/libc.so.6:malloc*',
    'uprobe:/bin/ba*:read*',
    'uretprobe:/bin/ba*:readline',
    'usdt:/usr/lib/x86_64-linux-gnu/*:*',
    'usdt:/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0:python:gc__*',
    'usdt:/usr/lib/x86_64-linux-gnu/libpython3*:function__entry',
  ];
  const BPFTRACES = ['/usr/bin/bpftrace', '/opt/bpftrace-0.27.1/bpftrace'];
  for (const bt of BPFTRACES) {
    for (const pattern of PATTERNS) {
      it(`${pattern} lists exactly what ${bt} -l lists`, async (ctx) => {
        if (!fs.existsSync(bt)) {
          console.warn(`skipped: ${bt} is not installed (scripts/setup.sh --tests unpacks it)`);
          return ctx.skip();
        }
        const out = spawnSync(bt, ['-l', pattern], { encoding: 'utf8', timeout: 120_000 });
        const want = out.stdout.split('\n').filter(Boolean).sort();
        expect(want.length, `${bt} -l ${pattern}: ${out.stderr}`).toBeGreaterThan(0);
        // Every page (libc has more functions than one page holds).
        const got: string[] = [];
        let total: number;
        do {
          const r = await backend.impl.listProbes({ query: pattern, limit: 5000, offset: got.length });
          total = r.total;
          got.push(...r.probes.map((p) => p.name));
          if (r.probes.length === 0) break;
        } while (got.length < total);
        expect(got.sort()).toEqual(want);
        expect(total).toBe(want.length);
      }, 180_000);
    }
  }

  it('a path that matches too many files is refused with a message that says so', async () => {
    await expect((async () => backend.impl.listProbes({ query: 'uprobe:/usr/*/*/*:malloc', limit: 10, offset: 0 }))()).rejects.toThrow(/more than .* kscope reads for one search: narrow the path|directories: put fewer \*/);
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
