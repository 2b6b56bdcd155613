// Runtime tier: the catalog on this machine's real kernel and bpftrace (root only).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findBpftrace } from '../engine/bpftrace-binary.js';
import { createCatalog } from './catalog.js';
import { reasonCapabilities } from './capabilities.js';
import { gatherEvidence } from './evidence.js';
import { ensureTracefs } from './tracefs.js';

const root = process.getuid?.() === 0;
const bpftrace = findBpftrace();
const skip = !root ? 'not root (the catalog reads tracefs and bpftrace -l needs root)' : !bpftrace ? 'bpftrace is not installed' : null;
if (skip) console.log(`skipping catalog runtime tests: ${skip}`);

describe.skipIf(skip !== null)('catalog on this kernel', () => {
  ensureTracefs();
  const caps = reasonCapabilities(gatherEvidence());
  const catalog = createCatalog({ capabilities: () => caps, cacheDir: null });

  it('lists tracepoint:syscalls:sys_enter_openat with its fields as bpftrace -lv does', () => {
    const r = catalog.listProbes({ query: 'tracepoint:syscalls:sys_enter_openat', offset: 0, limit: 10 });
    expect(r.probes.map((p) => p.name)).toEqual(['tracepoint:syscalls:sys_enter_openat']);
    const lv = execFileSync(bpftrace!, ['-lv', 'tracepoint:syscalls:sys_enter_openat'], { encoding: 'utf8' })
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter(Boolean);
    const d = catalog.describeProbe('tracepoint:syscalls:sys_enter_openat');
    expect(d.args.map((a) => `${a.type} ${a.name}`)).toEqual(lv);
  });

  it('says kprobes are unavailable when the kernel lacks CONFIG_KPROBES', () => {
    const kp = catalog.probeTree().types.find((t) => t.type === 'kprobe')!;
    if (caps['probe:kprobe'].available) {
      console.log('this kernel has kprobes: checking they are listed as available');
      expect(kp.available).toBe(true);
      return;
    }
    expect(kp.available).toBe(false);
    expect(kp.reason).toMatch(/CONFIG_KPROBES|kprobe_events/);
    expect(kp.count).toBeGreaterThan(1000);
  });

  it('has as many tracepoints as bpftrace -l tracepoint:*', () => {
    const lines = execFileSync(bpftrace!, ['-l', 'tracepoint:*'], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\n')
      .filter((l) => l.startsWith('tracepoint:'));
    const r = catalog.listProbes({ query: 'tracepoint:*', offset: 0, limit: 1 });
    expect(r.total).toBe(lines.length);
    expect(catalog.probeTree().types.find((t) => t.type === 'tracepoint')!.count).toBe(lines.length);
  });
});
