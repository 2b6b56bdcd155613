// The backend on this real machine: capabilities tell the truth, diagnose and
// measureRate use the real bpftrace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from './backend.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping backend runtime tests: ${why}`);

describe.skipIf(why !== null)('backend on this machine', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-backend-'));
  const backend = createBackend({ recordingsDir: path.join(tmp, 'rec'), cacheDir: path.join(tmp, 'cache') });
  afterAll(() => backend.shutdown());

  it('capabilities: no kprobes (CONFIG_KPROBES), kfunc refused by this bpftrace, no hardware counters; the rest works', async () => {
    const { entries } = await backend.impl.capabilities(undefined);
    const hasKprobes = fs.existsSync('/sys/kernel/tracing/kprobe_events');
    if (hasKprobes) {
      console.warn('this kernel has kprobes: checking only that the verdict says so');
      expect(entries['probe:kprobe'].available).toBe(true);
      return;
    }
    expect(entries['probe:kprobe']).toMatchObject({ available: false, reason: expect.stringMatching(/CONFIG_KPROBES|kprobe_events/) });
    expect(entries['probe:kfunc'].available).toBe(false);
    if (!fs.existsSync('/sys/bus/event_source/devices/cpu')) {
      expect(entries['probe:hardware'].available).toBe(false);
      expect(entries['probe:hardware'].evidence.join('\n')).toMatch(/perf_event_open/);
    }
    for (const k of ['probe:tracepoint', 'probe:profile', 'probe:interval', 'probe:software', 'probe:uprobe', 'btf', 'privilege', 'bpftrace']) expect(entries[k].available, k).toBe(true);
  });

  it('diagnose: a kretprobe here is an error at the probe with the tracepoint to use', async () => {
    if (fs.existsSync('/sys/kernel/tracing/kprobe_events')) return;
    const { diagnostics } = await backend.impl.diagnose({ source: 'BEGIN { }\nkretprobe:vfs_read { @ = hist(retval); }' });
    expect(diagnostics[0]).toMatchObject({ severity: 'error', line: 2, column: 1, hint: expect.stringMatching(/sys_exit_read/) });
  });

  it('diagnose: bpftrace\'s own errors with line and column; nothing for a good script', async () => {
    const bad = await backend.impl.diagnose({ source: 'BEGIN\n{\n  @x = nosuch(1);\n}' });
    expect(bad.diagnostics).toEqual([expect.objectContaining({ severity: 'error', line: 3, column: 8, message: expect.stringMatching(/Unknown function: nosuch/) })]);
    const good = await backend.impl.diagnose({ source: 'tracepoint:syscalls:sys_enter_openat { printf("%s\\n", str(args->filename)); }' });
    expect(good.diagnostics).toEqual([]);
  });

  it('measureRate counts events per second on a real tracepoint', async () => {
    const busy = setInterval(() => fs.statSync('/'), 5);
    try {
      const r = await backend.impl.measureRate({ probe: 'tracepoint:raw_syscalls:sys_enter', seconds: 1 });
      expect(r.events).toBeGreaterThan(0);
      expect(r.perSecond).toBeGreaterThan(0);
    } finally {
      clearInterval(busy);
    }
    expect(fs.existsSync(path.join(tmp, 'rec')) ? fs.readdirSync(path.join(tmp, 'rec')) : []).toEqual([]); // not kept as a recording
  });

  it('measureRate on a probe this kernel lacks says why', async () => {
    if (fs.existsSync('/sys/kernel/tracing/kprobe_events')) return;
    await expect(backend.impl.measureRate({ probe: 'kprobe:vfs_read', seconds: 1 })).rejects.toThrow(/kprobes/);
  });
});
