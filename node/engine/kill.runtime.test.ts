// Nothing left attached: 20 times per mode, SIGKILL the app (a `kscope record` process)
// while its probes are attached; bpftrace (and the helper) must be gone within 1 s and
// every BPF program of the run unloaded from the kernel. Modes: bpftrace spawned directly
// (setpriv --pdeathsig), and through the privileged helper (KSCOPE_HELPER=always: the
// helper's own parent-death signal through the native addon, then bpftrace's).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHelperInto, testBundleDir } from '../../test/support/bundles.js';
import { bundleCli, isGone, procStat, waitFor } from '../../test/support/runtime.js';

const root = process.getuid?.() === 0;
if (!root) console.warn('kill.runtime.test.ts: skipped, needs root (bpftrace attaches probes)');

const ROUNDS = 20;
const GONE_MS = 1000;

/** BPF programs held through file descriptors, system-wide: /proc/<pid>/fdinfo/<fd> lines prog_id and prog_tag. */
function heldPrograms(pids?: number[]): Map<number, { tag: string; holders: Set<number> }> {
  const out = new Map<number, { tag: string; holders: Set<number> }>();
  for (const d of pids?.map(String) ?? fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${d}/fdinfo`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let text: string;
      try {
        text = fs.readFileSync(`/proc/${d}/fdinfo/${fd}`, 'utf8');
      } catch {
        continue;
      }
      const id = /^prog_id:\s*(\d+)/m.exec(text);
      if (!id) continue;
      const tag = /^prog_tag:\s*([0-9a-f]+)/m.exec(text)?.[1] ?? '';
      const e = out.get(Number(id[1])) ?? { tag, holders: new Set<number>() };
      e.holders.add(Number(d));
      out.set(Number(id[1]), e);
    }
  }
  return out;
}

/**
 * Every JIT-compiled BPF program the kernel has loaded, by tag (/proc/kallsyms lists each as
 * bpf_prog_<tag>_<name> [bpf] when net.core.bpf_jit_kallsyms is 1): unlike fdinfo, this
 * also sees a program no process holds any more (pinned, or leaked in the kernel).
 */
function kernelProgramTags(): string[] | null {
  try {
    if (fs.readFileSync('/proc/sys/net/core/bpf_jit_kallsyms', 'utf8').trim() !== '1') return null;
  } catch {
    return null;
  }
  const tags: string[] = [];
  for (const line of fs.readFileSync('/proc/kallsyms', 'utf8').split('\n')) {
    if (!line.endsWith('[bpf]')) continue;
    const m = /\sbpf_prog_([0-9a-f]{16})_/.exec(line);
    if (m) tags.push(m[1]);
  }
  return tags;
}

function descendants(pid: number): { pid: number; comm: string }[] {
  const all: { pid: number; ppid: number; comm: string }[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = procStat(Number(d));
    if (s) all.push(s);
  }
  const out: { pid: number; comm: string }[] = [];
  const walk = (p: number) => {
    for (const c of all.filter((x) => x.ppid === p)) {
      out.push(c);
      walk(c.pid);
    }
  };
  walk(pid);
  return out;
}

interface Round {
  gone: boolean;
  goneMs: number;
  /** From the kill until no program of the run was loaded. */
  unloadedMs: number;
  programs: number;
  leftHeld: number;
  leftInKernel: number;
  kernelBefore: number | null;
  kernelAfter: number | null;
}

describe.skipIf(!root)('SIGKILL of the app leaves nothing attached', () => {
  let dir: string;
  let cli: string;
  beforeAll(async () => {
    dir = testBundleDir('kill-test');
    cli = path.join(dir, 'cli.cjs');
    // The CLI finds the helper beside it (launch.ts: helper.cjs next to the bundle), and both
    // find the native addon two levels up, as dist/electron/ does.
    await Promise.all([bundleCli(cli), bundleHelperInto(dir)]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function round(mode: 'direct' | 'helper', i: number): Promise<Round> {
    const out = path.join(dir, `${mode}-${i}.ndjson`);
    const kernelBefore = kernelProgramTags();
    // Probes that stay attached and print nothing after BEGIN, so no SIGPIPE can end bpftrace:
    // only the parent-death signals can.
    const script = 'BEGIN { printf("started\\n"); } tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } interval:ms:100 { @ticks = count(); }';
    const env: NodeJS.ProcessEnv = { ...process.env, KSCOPE_HELPER: mode === 'helper' ? 'always' : 'auto' };
    delete env.KSCOPE_HELPER_PATH; // the helper beside the CLI bundle, as a packaged app finds it
    const app = spawn(process.execPath, [cli, 'record', '-e', script, '--snapshot-ms', '0', '--output', out], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    app.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const closed = new Promise<void>((r) => app.on('close', () => r()));
    let tree: { pid: number; comm: string }[] = [];
    try {
      // bpftrace 0.17 prints attached_probes before it attaches; BEGIN runs once all probes are.
      await waitFor(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('"text":"started\\n"'), `attached (${mode} round ${i}; stderr: ${stderr})`, 20_000);
      tree = descendants(app.pid!);
      const bpftrace = tree.filter((p) => p.comm === 'bpftrace');
      expect(bpftrace, JSON.stringify(tree)).toHaveLength(1);
      if (mode === 'helper') {
        // app → helper (node) → bpftrace
        expect(procStat(bpftrace[0].pid)!.ppid).not.toBe(app.pid);
        expect(tree.some((p) => p.comm === 'node' || p.comm.startsWith('MainThread'))).toBe(true);
      } else expect(procStat(bpftrace[0].pid)!.ppid).toBe(app.pid);
      const ours = heldPrograms([bpftrace[0].pid]);
      expect(ours.size).toBeGreaterThanOrEqual(2); // the tracepoint and the interval (BEGIN has run)
      const t0 = performance.now();
      app.kill('SIGKILL');
      await closed;
      let goneMs = -1;
      while (performance.now() - t0 < GONE_MS) {
        if (tree.every((p) => isGone(p.pid))) {
          goneMs = performance.now() - t0;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      // Programs of this run still held by any process, and still in the kernel's list (the
      // kernel frees a program shortly after its last reference: poll within the same second).
      const left = () => {
        const held = heldPrograms();
        const kernel = kernelProgramTags();
        let inKernel = 0;
        if (kernel) {
          for (const { tag } of ours.values()) {
            // Another process may run an identical program (same tag): count only what no one holds.
            const heldWithTag = [...held.values()].filter((e) => e.tag === tag).length;
            if (kernel.filter((t) => t === tag).length > heldWithTag) inKernel++;
          }
        }
        return { held: [...ours.keys()].filter((id) => held.has(id)).length, inKernel, kernelCount: kernel?.length ?? null };
      };
      let after = left();
      while ((after.held > 0 || after.inKernel > 0) && performance.now() - t0 < GONE_MS) {
        await new Promise((r) => setTimeout(r, 5));
        after = left();
      }
      const unloadedMs = performance.now() - t0;
      const leftHeld = after.held;
      const leftInKernel = after.inKernel;
      const kernelAfter = after.kernelCount;
      return { gone: goneMs >= 0, goneMs, unloadedMs, programs: ours.size, leftHeld, leftInKernel, kernelBefore: kernelBefore?.length ?? null, kernelAfter };
    } finally {
      if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
      for (const p of tree) if (!isGone(p.pid)) process.kill(p.pid, 'SIGKILL'); // never leave probes attached
    }
  }

  for (const mode of ['direct', 'helper'] as const) {
    it(`${mode}: ${ROUNDS}/${ROUNDS} rounds, bpftrace${mode === 'helper' ? ' and the helper' : ''} gone and its BPF programs unloaded within ${GONE_MS} ms`, async () => {
      const rounds: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) rounds.push(await round(mode, i));
      const ok = rounds.filter((r) => r.gone && r.leftHeld === 0 && r.leftInKernel === 0 && r.unloadedMs <= GONE_MS).length;
      const quiet = rounds.filter((r) => r.kernelBefore !== null && r.kernelBefore === r.kernelAfter).length;
      console.log(
        `kill test (${mode}): ${ok}/${ROUNDS} clean; processes gone after max ${Math.max(...rounds.map((r) => r.goneMs)).toFixed(0)} ms, ` +
          `programs unloaded after max ${Math.max(...rounds.map((r) => r.unloadedMs)).toFixed(0)} ms; ` +
          `${rounds[0].programs} programs per run; kernel's BPF program count back to its value before in ${quiet}/${ROUNDS} rounds ` +
          `(others' runs on this machine can change it meanwhile)`,
      );
      expect(rounds.map((r) => [r.gone, r.leftHeld, r.leftInKernel])).toEqual(rounds.map(() => [true, 0, 0]));
      expect(ok).toBe(ROUNDS);
    }, 600_000);
  }
});
