// Runtime tier: `kscope capabilities --json` on every installed bpftrace (KSCOPE_BPFTRACE
// selects it) tells this machine's truth: no kprobes (CONFIG_KPROBES unset), fentry refused
// by the kernel (a minimal program's load fails with EPERM while tp_btf loads), lockdown
// integrity; tracepoints, profile and uprobes available. And on each version a kprobe's
// attach error keeps its line and column (0.23 prints the probe unquoted) with kscope's hint.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capability } from '../../common/contract/index.js';
import { bundleCli, ofType, runToEnd } from '../../test/support/runtime.js';
import { Engine } from '../engine/sessions.js';
import { reasonCapabilities } from './capabilities.js';
import { gatherEvidence, readKernelLog, SYSTEM_ROOTS } from './evidence.js';
import { tryLoadNative } from '../backend.js';

const VERSIONS = [
  { name: '0.17', version: '0.17.0', path: '/usr/bin/bpftrace' },
  { name: '0.23', version: '0.23.2', path: '/opt/bpftrace-0.23.2/bpftrace' },
  { name: '0.27', version: '0.27.1', path: '/opt/bpftrace-0.27.1/bpftrace' },
];
const notRoot = process.getuid?.() !== 0;
if (notRoot) console.warn('skipping capabilities runtime tests: needs root (load attempts, bpftrace)');

let tmp: string;
let cli: string;
beforeAll(async () => {
  if (notRoot) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-caps-'));
  cli = path.join(tmp, 'cli.cjs');
  await bundleCli(cli);
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// What this kernel is, from sources other than kscope's reasoning (so the test can fail).
const kernelHasKprobes = fs.existsSync('/sys/kernel/tracing/kprobe_events');
const native = tryLoadNative();
const kernelLoadsFentry = native?.probeTracingLoad('fentry', 'vfs_read').ok ?? null;

for (const v of VERSIONS) {
  const missing = !fs.existsSync(v.path);
  if (missing && !notRoot) console.warn(`skipping capabilities runtime tests on bpftrace ${v.name}: ${v.path} is not installed`);
  describe.skipIf(notRoot || missing)(`capabilities on bpftrace ${v.name}`, () => {
    it('kscope capabilities --json is right', () => {
      const r = spawnSync(process.execPath, [cli, 'capabilities', '--json'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KSCOPE_BPFTRACE: v.path } });
      expect(r.status, r.stderr).toBe(0);
      const caps = (JSON.parse(r.stdout) as { entries: Record<string, Capability> }).entries;
      expect(caps['bpftrace']).toMatchObject({ available: true, reason: `bpftrace ${v.version} at ${v.path}` });
      expect(caps['probe:kprobe'].available).toBe(kernelHasKprobes);
      // 0.17 and 0.23 claim "kprobe: yes" (not trusted); 0.27 prints no kprobe line.
      expect(caps['probe:kprobe'].evidence.some((e) => e.startsWith('bpftrace --info claims kprobe: yes'))).toBe(!kernelHasKprobes && v.name !== '0.27');
      expect(caps['probe:tracepoint'].available).toBe(true);
      expect(caps['probe:profile'].available).toBe(true);
      expect(caps['probe:uprobe'].available).toBe(true);
      // One fentry entry; kfunc/kretfunc/fexit point at it.
      for (const a of ['probe:fexit', 'probe:kfunc', 'probe:kretfunc']) expect(caps[a].aliasOf).toBe('probe:fentry');
      if (kernelLoadsFentry === false) {
        expect(caps['probe:fentry'].available).toBe(false);
        expect(caps['probe:fentry'].reason).toMatch(/^the kernel refuses fentry\/fexit programs: loading a minimal one fails with Operation not permitted/);
        expect(caps['probe:fentry'].evidence).toContain('bpf_prog_load(BPF_PROG_TYPE_TRACING, fentry vfs_read): refused: Operation not permitted (errno 1)');
      }
      const claim = caps['probe:fentry'].evidence.find((e) => e.startsWith('bpftrace --info'));
      expect(claim).toBe(v.name === '0.17' ? 'bpftrace --info: kfunc: no' : v.name === '0.23' ? 'bpftrace --info: fentry: no' : `bpftrace --info: no fentry or kfunc line (bpftrace ${v.version})`);
      // Lockdown as the kernel says it (securityfs, mounted by kscope if it was not, or the log).
      const log = readKernelLog() ?? '';
      const secfs = fs.existsSync('/sys/kernel/security/lockdown') ? /\[(\w+)\]/.exec(fs.readFileSync('/sys/kernel/security/lockdown', 'utf8'))?.[1] : null;
      const locked = (secfs && secfs !== 'none') || (!secfs && /Kernel is locked down/.test(log));
      expect(caps['lockdown'].available).toBe(!locked);
      if (locked) expect(caps['lockdown'].reason).toMatch(/^kernel lockdown is "(integrity|confidentiality)"/);
      // The text form lists fentry once.
      const text = spawnSync(process.execPath, [cli, 'capabilities'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KSCOPE_BPFTRACE: v.path } }).stdout;
      expect(text.match(/^\S+\s+probe:fentry \(fexit, kfunc, kretfunc\)/gm)).toHaveLength(1);
      expect(text).not.toMatch(/^\S+\s+probe:kfunc\s/m);
    });

    it.skipIf(kernelHasKprobes)('a kprobe attach error keeps its line and column and gets the hint', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-caps-run-'));
      try {
        const caps = reasonCapabilities(gatherEvidence(SYSTEM_ROOTS, { bpftrace: v.path }));
        const engine = new Engine({ kscopeVersion: 'test', recordingsDir: dir, capabilities: () => caps, env: { ...process.env, KSCOPE_BPFTRACE: v.path } });
        const r = await runToEnd(engine, 'BEGIN { printf("x\\n"); }\nkprobe:vfs_read { @ = count(); }\n', { snapshotMs: 0 });
        const err = ofType(r.events, 'error').find((e) => /kprobe/.test(e.message));
        expect(err, JSON.stringify(ofType(r.events, 'error'))).toBeDefined();
        expect(err!.line).toBe(2);
        expect(err!.column).toBe(1);
        expect(err!.hint).toMatch(/This kernel has no kprobes/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
