import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capability, ErrorEvent } from '../contract/index.js';
import { parseErrorText } from '../../node/engine/decode-stderr.js';
import { explainError, probeInError, tracepointAlternative } from './explain-error.js';

const FIX = path.resolve(__dirname, '../../test/fixtures/bpftrace-0.17');
/** The last error event of a real stderr fixture. */
function fixtureError(name: string): ErrorEvent {
  const evs = parseErrorText(fs.readFileSync(path.join(FIX, `${name}.stderr.txt`), 'utf8'));
  const errs = evs.filter((e) => e.type === 'error');
  return { ...(errs[errs.length - 1] as Omit<ErrorEvent, 't'>), t: 0 };
}

const ok: Capability = { available: true, reason: 'available', evidence: [], remedy: null };
const missing = (reason: string, alternative: string | null = null, remedy: string | null = null): Capability => ({
  available: false,
  reason,
  evidence: [],
  remedy,
  alternative,
});
// What this machine's capability probe reports (kernel without CONFIG_KPROBES, a VM).
const thisMachine: Record<string, Capability> = {
  'probe:kprobe': missing('CONFIG_KPROBES is not set (no /sys/kernel/tracing/kprobe_events)', 'Use tracepoints (tracepoint:syscalls:*) instead'),
  'probe:kretprobe': missing('CONFIG_KPROBES is not set (no /sys/kernel/tracing/kprobe_events)', 'Use tracepoints (tracepoint:syscalls:*) instead'),
  'probe:kfunc': missing('bpftrace 0.17 refuses kfunc on this kernel'),
  'probe:kretfunc': missing('bpftrace 0.17 refuses kfunc on this kernel'),
  'probe:hardware': missing('no hardware performance counters (virtual machine)'),
  'probe:uprobe': ok,
  'probe:tracepoint': ok,
  'kernel-headers': missing('no /lib/modules/6.18.0/build', null, 'apt-get install linux-headers-$(uname -r)'),
  privilege: ok,
};
const fullKernel: Record<string, Capability> = Object.fromEntries(Object.keys(thisMachine).map((k) => [k, ok]));

describe('tracepointAlternative', () => {
  it.each([
    ['kretprobe:vfs_read', 'tracepoint:syscalls:sys_exit_read'],
    ['kprobe:vfs_read', 'tracepoint:syscalls:sys_enter_read'],
    ['kprobe:vfs_write', 'tracepoint:syscalls:sys_enter_write'],
    ['kretfunc:vfs_write', 'tracepoint:syscalls:sys_exit_write'],
    ['kprobe:do_sys_openat2', 'tracepoint:syscalls:sys_enter_openat'],
    ['kprobe:vfs_open', 'tracepoint:syscalls:sys_enter_openat'],
    ['kprobe:tcp_connect', 'tracepoint:sock:inet_sock_set_state'],
    ['kprobe:tcp_retransmit_skb', 'tracepoint:tcp:tcp_retransmit_skb'],
    ['kprobe:__x64_sys_clone', 'tracepoint:syscalls:sys_enter_clone'],
    ['kretprobe:__x64_sys_mmap', 'tracepoint:syscalls:sys_exit_mmap'],
    ['kfunc:vmlinux:vfs_read', 'tracepoint:syscalls:sys_enter_read'],
    ['kprobe:blk_mq_start_request', 'tracepoint:block:block_rq_issue'],
  ])('%s → %s', (probe, alt) => {
    expect(tracepointAlternative(probe)).toBe(alt);
  });
  it('null when unknown or not a kernel function probe', () => {
    expect(tracepointAlternative('kprobe:some_driver_fn')).toBeNull();
    expect(tracepointAlternative('tracepoint:syscalls:sys_enter_read')).toBeNull();
    expect(tracepointAlternative('kprobe:vfs_*')).toBeNull();
  });
});

describe('explainError on real 0.17 errors', () => {
  it('kprobe attach failure without kprobes: says so and offers the tracepoint', () => {
    const ev = fixtureError('kprobe-error');
    expect(probeInError(ev)).toBe('kprobe:vfs_read');
    const out = explainError(ev, thisMachine);
    expect(out.hint).toBe(
      'This kernel has no kprobes: CONFIG_KPROBES is not set (no /sys/kernel/tracing/kprobe_events). Use tracepoint:syscalls:sys_enter_read instead.',
    );
    expect(out.message).toBe(ev.message);
  });

  it('kretprobe:vfs_read → tracepoint:syscalls:sys_exit_read', () => {
    expect(explainError(fixtureError('kretprobe-error'), thisMachine).hint).toMatch(/^This kernel has no kprobes: .*Use tracepoint:syscalls:sys_exit_read instead\.$/);
  });

  it('no hint where kprobes exist (then bpftrace’s message is the real story)', () => {
    expect(explainError(fixtureError('kprobe-error'), fullKernel).hint).toBeUndefined();
  });

  it('kfunc refused: reason plus the tracepoint for the function', () => {
    const ev = fixtureError('kfunc-error');
    const hint = explainError(ev, thisMachine).hint ?? '';
    expect(hint).toBe(
      'fentry/fexit (kfunc/kretfunc) probes are not available here: bpftrace 0.17 refuses kfunc on this kernel. Use tracepoint:syscalls:sys_enter_read instead.',
    );
  });

  it('fentry refused on 0.23 and 0.27 (their words differ): the kernel\'s answer plus the tracepoint', () => {
    const fentry = { ...missing('the kernel refuses fentry/fexit programs: loading a minimal one fails with Operation not permitted before the verifier'), alternative: 'Use tracepoints' };
    const caps = { ...thisMachine, 'probe:fentry': fentry, 'probe:kfunc': { ...fentry, aliasOf: 'probe:fentry' } };
    for (const message of ['fentry/fexit not available for your kernel version.', 'No matches for fentry vfs_read.']) {
      const hint = explainError({ type: 'error', t: 0, message, line: 1, column: 1, detail: 'fentry:vfs_read { exit(); }' }, caps).hint ?? '';
      expect(hint).toMatch(/^fentry\/fexit \(kfunc\/kretfunc\) probes are not available here: the kernel refuses fentry\/fexit programs: loading a minimal one fails with Operation not permitted before the verifier\./);
    }
  });

  it('hardware counters missing', () => {
    expect(explainError(fixtureError('hardware-error'), thisMachine).hint).toMatch(/^This machine has no hardware performance counters: no hardware performance counters \(virtual machine\)\. Try profile:hz:99/);
  });

  it('missing headers', () => {
    const hint = explainError(fixtureError('include-error'), thisMachine).hint ?? '';
    expect(hint).toContain('kernel headers');
    expect(hint).toContain('apt-get install linux-headers-$(uname -r).');
    const lt: ErrorEvent = { type: 'error', t: 0, message: "'linux/types.h' file not found" };
    expect(explainError(lt, fullKernel).hint).toMatch(/kernel headers/);
  });

  it('privilege', () => {
    const caps = { ...thisMachine, privilege: missing('running as uid 1000', null, 'Run kscope’s helper with sudo') };
    const ev: ErrorEvent = { type: 'error', t: 0, message: 'bpftrace currently only supports running as the root user.' + ' Operation not permitted' };
    expect(explainError(ev, caps).hint).toBe('bpftrace needs root (or CAP_BPF + CAP_PERFMON) to load programs. running as uid 1000. Run kscope’s helper with sudo.');
  });

  it('leaves syntax errors and existing hints alone', () => {
    const syntax = fixtureError('syntax-error');
    expect(explainError(syntax, thisMachine)).toEqual(syntax);
    const hinted: ErrorEvent = { ...fixtureError('kprobe-error'), hint: 'already' };
    expect(explainError(hinted, thisMachine).hint).toBe('already');
  });
});
