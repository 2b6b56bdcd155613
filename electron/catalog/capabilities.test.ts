import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonCapabilities } from './capabilities.js';
import { gatherEvidence, parseBpftraceInfo, parseKernelConfig, type Roots } from './evidence.js';

const fixtures = path.resolve(__dirname, '../../test/fixtures/kernels');
const roots = (name: string): Roots => {
  const base = path.join(fixtures, name);
  return { proc: path.join(base, 'proc'), sys: path.join(base, 'sys'), boot: path.join(base, 'boot'), lib: path.join(base, 'lib'), usrSrc: path.join(base, 'usr/src'), tracefsCandidates: [path.join(base, 'tracing')] };
};

describe('capabilities reasoned from evidence', () => {
  it('this VM: no kprobes because CONFIG_KPROBES is unset, despite bpftrace --info', () => {
    const ev = gatherEvidence(roots('vm-no-kprobes'), { kernelRelease: '6.18.44-fc-v669', uid: 0, bpftrace: null });
    ev.bpftrace = { path: '/usr/bin/bpftrace', version: '0.17.0' };
    ev.bpftraceFeatures = parseBpftraceInfo('Kernel features\n  btf: yes\n  kprobe: yes\n  kfunc: no\n');
    const caps = reasonCapabilities(ev);
    expect(caps['probe:kprobe'].available).toBe(false);
    expect(caps['probe:kprobe'].reason).toMatch(/CONFIG_KPROBES/);
    expect(caps['probe:kprobe'].evidence.join('\n')).toMatch(/kprobe_events does not exist/);
    expect(caps['probe:kprobe'].evidence.join('\n')).toMatch(/claims kprobe: yes \(not trusted alone\)/);
    expect(caps['probe:kprobe'].alternative).toMatch(/tracepoint:syscalls:sys_exit_read/);
    expect(caps['probe:kretprobe'].available).toBe(false);
    expect(caps['probe:kfunc'].available).toBe(false);
    expect(caps['probe:kfunc'].reason).toMatch(/bpftrace 0\.17\.0 refuses kfunc/);
    expect(caps['probe:hardware'].available).toBe(false);
    expect(caps['probe:hardware'].reason).toMatch(/no hardware counters/);
    for (const ok of ['probe:tracepoint', 'probe:uprobe', 'probe:usdt', 'probe:profile', 'probe:interval', 'probe:software', 'btf', 'tracefs', 'privilege', 'bpftrace']) {
      expect(caps[ok].available, ok).toBe(true);
    }
    expect(caps['kernel-headers'].available).toBe(false);
    expect(caps['kernel-headers'].alternative).toMatch(/BTF/);
  });

  it('a distribution kernel with kprobes, a CPU PMU and headers', () => {
    const caps = reasonCapabilities(gatherEvidence(roots('distro-kprobes'), { kernelRelease: '6.1.0-13-amd64', uid: 0, bpftrace: null }));
    expect(caps['probe:kprobe'].available).toBe(true);
    expect(caps['probe:kfunc'].available).toBe(true);
    expect(caps['probe:hardware'].available).toBe(true);
    expect(caps['kernel-headers'].available).toBe(true);
    expect(caps['lockdown'].available).toBe(true);
    expect(caps['bpftrace'].available).toBe(false);
    expect(caps['bpftrace'].remedy).toMatch(/apt-get install bpftrace/);
  });

  it('lockdown=confidentiality forbids kprobes', () => {
    const caps = reasonCapabilities(gatherEvidence(roots('locked-down'), { kernelRelease: '6.1.0-13-amd64', uid: 0, bpftrace: null }));
    expect(caps['lockdown'].available).toBe(false);
    expect(caps['probe:kprobe'].available).toBe(false);
    expect(caps['probe:kprobe'].reason).toMatch(/confidentiality/);
  });

  it('an ordinary user is told what privilege is needed', () => {
    const caps = reasonCapabilities(gatherEvidence(roots('distro-kprobes'), { kernelRelease: '6.1.0-13-amd64', uid: 1000, bpftrace: null }));
    expect(caps['privilege'].available).toBe(false);
    expect(caps['privilege'].reason).toMatch(/CAP_BPF/);
    expect(caps['perf_event_paranoid']).toMatchObject({ available: false, remedy: expect.stringMatching(/sysctl kernel.perf_event_paranoid=1/) });
    expect(caps['unprivileged_bpf_disabled'].available).toBe(false);
  });

  it('parses kernel config lines', () => {
    const c = parseKernelConfig('CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="str"\n');
    expect(c.get('CONFIG_A')).toBe('y');
    expect(c.has('CONFIG_B')).toBe(false);
    expect(c.get('CONFIG_C')).toBe('str');
  });

  it('a non-root process with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN may trace', () => {
    const native = { effectiveCapabilities: () => ['CAP_BPF', 'CAP_PERFMON', 'CAP_SYS_ADMIN'], probeHardwareCounters: () => ({ ok: false, errno: 2, message: 'No such file or directory' }) };
    const caps = reasonCapabilities(gatherEvidence(roots('distro-kprobes'), { kernelRelease: '6.1.0-13-amd64', uid: 1000, bpftrace: null, native }));
    expect(caps['privilege']).toMatchObject({ available: true, reason: expect.stringMatching(/holding CAP_BPF/) });
    // the PMU directory exists, but perf_event_open says no: the evidence wins
    expect(caps['probe:hardware'].available).toBe(false);
    expect(caps['probe:hardware'].evidence.join('\n')).toMatch(/perf_event_open\(PERF_COUNT_HW_CPU_CYCLES\): failed/);
  });

  it('root without the capabilities (a restricted container) is told which are missing', () => {
    const native = { effectiveCapabilities: () => ['CAP_CHOWN'], probeHardwareCounters: () => ({ ok: true, errno: 0, message: '' }) };
    const caps = reasonCapabilities(gatherEvidence(roots('distro-kprobes'), { kernelRelease: '6.1.0-13-amd64', uid: 0, bpftrace: null, native }));
    expect(caps['privilege'].available).toBe(false);
    expect(caps['privilege'].reason).toMatch(/without CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN/);
    expect(caps['probe:hardware'].available).toBe(true);
  });
});
