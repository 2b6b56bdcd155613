import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonCapabilities } from './capabilities.js';
import fs from 'node:fs';
import { formatCapabilities } from '../../cli/capabilities.js';
import { gatherEvidence, lockdownFromKernelLog, parseBpftraceInfo, parseKernelConfig, type Roots } from './evidence.js';

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
    expect(caps['probe:kfunc'].reason).toMatch(/bpftrace 0\.17\.0 says kfunc is not available/);
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

const info = (v: string) => fs.readFileSync(path.join(__dirname, '../../test/fixtures/bpftrace-info', `${v}.txt`), 'utf8');

describe('bpftrace --info of every version (real output, scripts/… ran each here)', () => {
  it('0.17: one feature a line, a remark in parentheses dropped from the name', () => {
    const f = parseBpftraceInfo(info('0.17'));
    expect(f).toMatchObject({ kprobe: 'yes', tracepoint: 'yes', kfunc: 'no', btf: 'yes', 'uprobe refcount': 'yes', 'Instruction limit': '1000000' });
  });
  it('0.23: two features a line, both read', () => {
    const f = parseBpftraceInfo(info('0.23'));
    expect(f).toMatchObject({ kprobe: 'yes', tracepoint: 'yes', perf_event: 'yes', fentry: 'no', kprobe_multi: 'no', uprobe_multi: 'yes', btf: 'yes', 'module btf': 'yes' });
  });
  it('0.27: no fentry line at all (not read as available)', () => {
    const f = parseBpftraceInfo(info('0.27'));
    expect(f).toMatchObject({ kprobe_multi: 'no', uprobe_multi: 'yes', kprobe_session: 'no', iter: 'no', btf: 'yes' });
    expect(f.fentry).toBeUndefined();
    expect(f.kfunc).toBeUndefined();
  });
});

describe('fentry: one entry, proven by the kernel', () => {
  const thisVm = (version: string) => {
    const ev = gatherEvidence(roots('vm-no-kprobes'), { kernelRelease: '6.18.44-fc-v669', uid: 0, bpftrace: null });
    ev.bpftrace = { path: '/x/bpftrace', version };
    ev.bpftraceFeatures = parseBpftraceInfo(info(version.slice(0, 4)));
    ev.fentryLoad = { what: 'bpf_prog_load(BPF_PROG_TYPE_TRACING, fentry vfs_read)', ok: false, errno: 1, message: 'Operation not permitted' };
    ev.tpBtfLoad = { what: 'bpf_prog_load(BPF_PROG_TYPE_TRACING, tp_btf sched_switch)', ok: true, errno: 0, message: 'loaded' };
    ev.lockdown = 'integrity';
    ev.lockdownSource = 'kernel log: "Kernel is locked down from Kernel configuration; see man kernel_lockdown.7"';
    return reasonCapabilities(ev);
  };
  for (const v of ['0.17.0', '0.23.2', '0.27.1']) {
    it(`bpftrace ${v} on this VM: refused by the kernel (EPERM before the verifier, tp_btf loads), whatever --info says`, () => {
      const caps = thisVm(v);
      expect(caps['probe:fentry'].available).toBe(false);
      expect(caps['probe:fentry'].reason).toBe('the kernel refuses fentry/fexit programs: loading a minimal one fails with Operation not permitted before the verifier, while a tp_btf program loads (kernel lockdown: integrity)');
      expect(caps['probe:fentry'].evidence).toContain('bpf_prog_load(BPF_PROG_TYPE_TRACING, fentry vfs_read): refused: Operation not permitted (errno 1)');
      for (const a of ['probe:fexit', 'probe:kfunc', 'probe:kretfunc']) expect(caps[a]).toMatchObject({ available: false, aliasOf: 'probe:fentry' });
      expect(caps['lockdown']).toMatchObject({ available: false, reason: expect.stringMatching(/^kernel lockdown is "integrity"/) });
      const text = formatCapabilities(caps);
      expect(text.match(/fentry/g)?.length).toBeGreaterThan(0);
      expect(text).toMatch(/^NO\s+probe:fentry \(fexit, kfunc, kretfunc\)\s+the kernel refuses/m);
      expect(text).not.toMatch(/^\S+\s+probe:kfunc/m); // one entry
    });
  }
  it('without a load attempt, --info decides: 0.23 "fentry: no" is believed, 0.27 (no line) is not read as "no"', () => {
    const ev = gatherEvidence(roots('distro-kprobes'), { kernelRelease: '6.1.0-13-amd64', uid: 0, bpftrace: null });
    ev.bpftrace = { path: '/x', version: '0.23.2' };
    ev.bpftraceFeatures = parseBpftraceInfo(info('0.23'));
    expect(reasonCapabilities(ev)['probe:fentry']).toMatchObject({ available: false, reason: expect.stringMatching(/says fentry is not available/) });
    ev.bpftraceFeatures = parseBpftraceInfo(info('0.27'));
    expect(reasonCapabilities(ev)['probe:fentry'].available).toBe(true);
    expect(reasonCapabilities(ev)['probe:fentry'].evidence).toContain('bpftrace --info: no fentry or kfunc line (bpftrace 0.23.2)');
  });
  it('lockdown from the kernel log when securityfs says nothing', () => {
    const cfg = parseKernelConfig('CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y\n');
    expect(lockdownFromKernelLog('[    0.110138] Kernel is locked down from Kernel configuration; see man kernel_lockdown.7\n', cfg)).toEqual({
      mode: 'integrity',
      line: 'Kernel is locked down from Kernel configuration; see man kernel_lockdown.7',
    });
    expect(lockdownFromKernelLog('[0.1] LSM: initializing lsm=lockdown,capability\n', cfg)).toBeNull();
    // This VM's tree: securityfs not mounted (no lockdown file), so the kernel log is read.
    const ev = gatherEvidence(roots('vm-no-kprobes'), { kernelRelease: '6.18.44-fc-v669', uid: 0, bpftrace: null, kernelLog: () => '[ 0.1] Kernel is locked down from command line; see man kernel_lockdown.7' });
    expect(ev.lockdown).toBe('integrity');
    expect(ev.lockdownSource).toMatch(/^kernel log: "Kernel is locked down from command line/);
  });
});
