import { describe, expect, it } from 'vitest';
import type { Capability } from '../../common/contract/index.js';
import { capabilityDiagnostics, mergeDiagnostics } from './diagnose.js';

const no = (reason: string, alternative: string | null = null): Capability => ({ available: false, reason, evidence: [], remedy: null, alternative });
const yes: Capability = { available: true, reason: 'ok', evidence: [], remedy: null };

describe('diagnostics from capabilities', () => {
  const caps = { 'probe:kprobe': no('the kernel was built without CONFIG_KPROBES'), 'probe:kretprobe': no('the kernel was built without CONFIG_KPROBES'), 'probe:tracepoint': yes, 'probe:hardware': no('no hardware counters', 'Use software events') };

  it('marks a kretprobe on a kernel without kprobes, at the probe, with the tracepoint to use', () => {
    const d = capabilityDiagnostics('BEGIN {}\nkretprobe:vfs_read { @ = count(); }', caps);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'error', line: 2, column: 1, endColumn: 19 });
    expect(d[0].message).toMatch(/CONFIG_KPROBES/);
    expect(d[0].hint).toMatch(/tracepoint:syscalls:sys_exit_read/);
  });

  it('says nothing about probes that work', () => {
    expect(capabilityDiagnostics('tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }', caps)).toEqual([]);
  });

  it('keeps kscope\'s finding and drops bpftrace\'s warning on the same line', () => {
    const ours = capabilityDiagnostics('kprobe:vfs_read { @ = count(); }', caps);
    const merged = mergeDiagnostics(ours, [{ severity: 'warning', message: 'vfs_read is not traceable', line: 1, column: 1 }, { severity: 'error', message: 'other', line: 3 }]);
    expect(merged.map((d) => d.message)).toEqual([ours[0].message, 'other']);
  });
});
