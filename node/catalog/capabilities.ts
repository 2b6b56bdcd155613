// What this kernel and this bpftrace can attach, and why — reasoned from evidence
// (kernel config, tracefs files, BTF, PMUs, privileges, bpftrace's version), never from
// `bpftrace --info` alone: it says `kprobe: yes` on kernels built without kprobes.
import type { Capability } from '../../common/contract/index.js';
import type { Evidence } from './evidence.js';

type Caps = Record<string, Capability>;

const cap = (available: boolean, reason: string, evidence: string[], remedy: string | null = null, alternative: string | null = null): Capability => ({
  available,
  reason,
  evidence,
  remedy,
  alternative,
});

function configLine(ev: Evidence, key: string): string {
  if (!ev.config) return `${key}: unknown (no kernel config found in /proc/config.gz or /boot)`;
  const v = ev.config.get(key);
  return v === undefined ? `# ${key} is not set (${ev.configSource})` : `${key}=${v} (${ev.configSource})`;
}

/** true / false from the config, null when there is no config to read. */
function configured(ev: Evidence, key: string): boolean | null {
  if (!ev.config) return null;
  const v = ev.config.get(key);
  return v === 'y' || v === 'm';
}

export function reasonCapabilities(ev: Evidence): Caps {
  const caps: Caps = {};
  const root = ev.uid === 0;

  caps['bpftrace'] = ev.bpftrace
    ? cap(true, `bpftrace ${ev.bpftrace.version} at ${ev.bpftrace.path}`, [`${ev.bpftrace.path} --version: ${ev.bpftrace.version}`])
    : cap(false, 'bpftrace is not installed (not found on PATH)', ['PATH lookup for bpftrace failed'], 'Install it: sudo apt-get install bpftrace');

  const needed = ['CAP_BPF', 'CAP_PERFMON', 'CAP_SYS_ADMIN'];
  const have = ev.effectiveCaps;
  const capsLine = have ? `effective capabilities: ${needed.map((c) => `${c} ${have.includes(c) ? 'yes' : 'no'}`).join(', ')}` : 'effective capabilities: unknown (native addon not loaded)';
  const withCaps = have !== null && needed.every((c) => have.includes(c));
  caps['privilege'] =
    root && (have === null || withCaps)
      ? cap(true, 'running as root', [`uid ${ev.uid}`, capsLine])
      : withCaps
        ? cap(true, 'not root, but holding CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN', [`uid ${ev.uid}`, capsLine])
        : cap(
            false,
            root
              ? `running as root without ${needed.filter((c) => !have!.includes(c)).join(', ')} (a restricted container?)`
              : 'bpftrace needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN); kscope is running as an ordinary user',
            [`uid ${ev.uid}`, capsLine],
            'Run kscope with sudo (e.g. `sudo npx kscope serve`).',
          );
  if (ev.perfEventParanoid !== null) {
    const p = ev.perfEventParanoid;
    caps['perf_event_paranoid'] = cap(
      root || withCaps || p <= 1,
      `perf_event_paranoid is ${p}${p >= 2 ? ': only privileged users may profile the kernel (root is not affected)' : ''}`,
      [`/proc/sys/kernel/perf_event_paranoid: ${p}`],
      p >= 2 && !root ? 'Run as root, or lower it: sudo sysctl kernel.perf_event_paranoid=1' : null,
    );
  }
  if (ev.unprivilegedBpfDisabled !== null) {
    const u = ev.unprivilegedBpfDisabled;
    caps['unprivileged_bpf_disabled'] = cap(
      root || withCaps || u === 0,
      u === 0 ? 'unprivileged BPF is allowed' : `unprivileged BPF is disabled (${u}): bpftrace must run as root or with CAP_BPF`,
      [`/proc/sys/kernel/unprivileged_bpf_disabled: ${u}`],
      u !== 0 && !root ? 'Run kscope as root (the privileged helper does this for you)' : null,
    );
  }

  caps['tracefs'] = ev.tracefs
    ? cap(true, `tracefs mounted at ${ev.tracefs}`, [`${ev.tracefs}/available_events exists`])
    : cap(false, 'tracefs is not mounted', ['neither /sys/kernel/tracing nor /sys/kernel/debug/tracing has events'], 'sudo mount -t tracefs nodev /sys/kernel/tracing (kscope does this itself when root)');

  caps['btf'] = ev.btf
    ? cap(true, 'kernel BTF is available', ['/sys/kernel/btf/vmlinux exists', configLine(ev, 'CONFIG_DEBUG_INFO_BTF')])
    : cap(false, 'no kernel BTF (/sys/kernel/btf/vmlinux missing)', [configLine(ev, 'CONFIG_DEBUG_INFO_BTF')], 'Use a kernel built with CONFIG_DEBUG_INFO_BTF=y');

  caps['kernel-headers'] = ev.headers
    ? cap(true, `kernel headers at ${ev.headers}`, [`${ev.headers} exists`])
    : cap(false, `no kernel headers for ${ev.kernelRelease}: #include <linux/...> fails ('linux/types.h' file not found)`, [`/lib/modules/${ev.kernelRelease}/build and /usr/src/linux-headers-${ev.kernelRelease} are missing`], `sudo apt-get install linux-headers-${ev.kernelRelease}`, ev.btf ? 'Drop the #include lines: with BTF, bpftrace knows kernel structs without headers.' : null);

  const lockdownEvidence = [ev.lockdownSource ?? '/sys/kernel/security/lockdown absent (securityfs not mounted) and the kernel log says nothing of lockdown', configLine(ev, 'CONFIG_SECURITY_LOCKDOWN_LSM')];
  caps['lockdown'] =
    ev.lockdown && ev.lockdown !== 'none'
      ? cap(
          false,
          `kernel lockdown is "${ev.lockdown}": ${ev.lockdown === 'confidentiality' ? 'reading kernel memory (kprobes, kernel stacks of others) is refused' : 'the kernel refuses some BPF programs (here: fentry/fexit); tracepoints, profile, uprobes and tp_btf work'}`,
          lockdownEvidence,
          'Boot with lockdown=none (or without Secure Boot enforcement)',
        )
      : cap(true, ev.lockdown ? 'lockdown is none' : 'no lockdown reported', lockdownEvidence);

  const tracepointsCfg = configured(ev, 'CONFIG_TRACEPOINTS');
  caps['probe:tracepoint'] =
    ev.tracefs && tracepointsCfg !== false
      ? cap(true, 'kernel tracepoints are available', [configLine(ev, 'CONFIG_TRACEPOINTS'), `${ev.tracefs}/events`])
      : cap(false, tracepointsCfg === false ? 'kernel built without CONFIG_TRACEPOINTS' : 'tracefs is not mounted', [configLine(ev, 'CONFIG_TRACEPOINTS')], caps['tracefs'].remedy);

  // kprobes: the config and the tracefs control file must both say so.
  const kprobesCfg = configured(ev, 'CONFIG_KPROBES');
  const kprobeEvents = ev.tracefsFiles.includes('kprobe_events');
  const kprobeEvidence = [configLine(ev, 'CONFIG_KPROBES'), ev.tracefs ? `${ev.tracefs}/kprobe_events ${kprobeEvents ? 'exists' : 'does not exist'}` : 'tracefs not mounted'];
  if (ev.bpftraceFeatures['kprobe']) kprobeEvidence.push(`bpftrace --info claims kprobe: ${ev.bpftraceFeatures['kprobe']} (not trusted alone)`);
  let kprobe: Capability;
  if (kprobesCfg === false || (ev.tracefs && !kprobeEvents)) {
    kprobe = cap(
      false,
      kprobesCfg === false ? 'the kernel was built without CONFIG_KPROBES (no kprobe_events in tracefs)' : 'tracefs has no kprobe_events: this kernel cannot create kprobes',
      kprobeEvidence,
      'Use a kernel built with CONFIG_KPROBES=y (most distribution kernels are).',
      'Use tracepoints instead (e.g. kretprobe:vfs_read → tracepoint:syscalls:sys_exit_read).',
    );
  } else if (ev.lockdown === 'confidentiality') {
    kprobe = cap(false, 'kernel lockdown=confidentiality forbids kprobes that read kernel memory', kprobeEvidence, 'Boot with lockdown=none', 'Use tracepoints instead.');
  } else {
    kprobe = cap(true, 'kprobes are available', kprobeEvidence);
  }
  caps['probe:kprobe'] = kprobe;
  caps['probe:kretprobe'] = { ...kprobe };

  // fentry/fexit (called kfunc/kretfunc before bpftrace 0.20): one entry, the others alias it.
  // The proof is the kernel's: a minimal fentry program loaded (and closed) through the addon.
  // bpftrace's --info is a claim only: 0.17 says "kfunc: no", 0.23 "fentry: no", 0.27 nothing.
  const trampolines = configured(ev, 'CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS');
  const fentryEvidence = [configLine(ev, 'CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS'), configLine(ev, 'CONFIG_BPF_JIT'), `BTF: ${ev.btf ? 'yes' : 'no'}`];
  const loadLine = (a: NonNullable<Evidence['fentryLoad']>) => `${a.what}: ${a.ok ? 'loaded' : `refused: ${a.message} (errno ${a.errno})`}`;
  if (ev.fentryLoad) fentryEvidence.push(loadLine(ev.fentryLoad));
  else fentryEvidence.push(`load attempt: not tried (${ev.uid !== 0 ? 'not root' : 'native addon not loaded'})`);
  if (ev.tpBtfLoad) fentryEvidence.push(loadLine(ev.tpBtfLoad));
  if (ev.lockdown && ev.lockdown !== 'none') fentryEvidence.push(`lockdown: ${ev.lockdown}`);
  const claim = ev.bpftraceFeatures['fentry'] ?? ev.bpftraceFeatures['kfunc'];
  const claimName = ev.bpftraceFeatures['fentry'] !== undefined ? 'fentry' : 'kfunc';
  fentryEvidence.push(claim !== undefined ? `bpftrace --info: ${claimName}: ${claim}` : `bpftrace --info: no fentry or kfunc line${ev.bpftrace ? ` (bpftrace ${ev.bpftrace.version})` : ''}`);
  const fentryAlt = 'Use tracepoints (e.g. tracepoint:syscalls:sys_exit_read for vfs_read) or tp_btf: for raw tracepoints with BTF arguments.';
  let fentry: Capability;
  if (!ev.btf) fentry = cap(false, 'fentry/fexit need kernel BTF, and this kernel has none', fentryEvidence, caps['btf'].remedy, 'Use kprobes or tracepoints.');
  else if (trampolines === false) fentry = cap(false, 'the kernel was built without BPF trampolines (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS)', fentryEvidence, null, fentryAlt);
  else if (ev.fentryLoad && !ev.fentryLoad.ok) {
    const perm = ev.fentryLoad.errno === 1;
    fentry = cap(
      false,
      `the kernel refuses fentry/fexit programs: loading a minimal one fails with ${ev.fentryLoad.message}${perm ? ' before the verifier' : ''}${perm && ev.tpBtfLoad?.ok ? ', while a tp_btf program loads' : ''}${perm && ev.lockdown && ev.lockdown !== 'none' ? ` (kernel lockdown: ${ev.lockdown})` : ''}`,
      fentryEvidence,
      perm && ev.lockdown && ev.lockdown !== 'none' ? 'Boot with lockdown=none' : null,
      fentryAlt,
    );
  } else if (claim === 'no' && !ev.fentryLoad?.ok)
    fentry = cap(
      false,
      `bpftrace ${ev.bpftrace?.version ?? ''} says ${claimName} is not available here ("${claimName}: no" in --info)`.replace('  ', ' '),
      fentryEvidence,
      'A newer bpftrace (0.20+, where kfunc is called fentry) may attach here.',
      fentryAlt,
    );
  else if (ev.fentryLoad?.ok && claim === 'no')
    fentry = cap(false, `the kernel loads fentry programs, but bpftrace ${ev.bpftrace?.version ?? ''} refuses ${claimName} here ("${claimName}: no" in --info)`, fentryEvidence, claimName === 'kfunc' ? 'Use bpftrace 0.20 or newer.' : null, fentryAlt);
  else fentry = cap(true, ev.fentryLoad?.ok ? 'fentry/fexit through BPF trampolines (a minimal fentry program loads)' : 'fentry/fexit through BPF trampolines', fentryEvidence);
  caps['probe:fentry'] = fentry;
  for (const alias of ['probe:fexit', 'probe:kfunc', 'probe:kretfunc']) caps[alias] = { ...fentry, aliasOf: 'probe:fentry' };

  const uprobesCfg = configured(ev, 'CONFIG_UPROBE_EVENTS') ?? configured(ev, 'CONFIG_UPROBES');
  // Without uprobes, user functions can still be seen by sampling their stacks.
  const uprobe = uprobesCfg === false ? cap(false, 'the kernel was built without uprobes', [configLine(ev, 'CONFIG_UPROBES')], null, 'sample user stacks instead: profile:hz:99 { @[ustack] = count(); } needs no uprobes') : cap(true, 'uprobes are available', [configLine(ev, 'CONFIG_UPROBES'), ev.pmus.includes('uprobe') ? 'PMU uprobe present' : 'PMU uprobe absent']);
  caps['probe:uprobe'] = uprobe;
  caps['probe:uretprobe'] = { ...uprobe };
  caps['probe:usdt'] = { ...uprobe, reason: uprobe.available ? 'USDT probes attach through uprobes' : uprobe.reason };

  const perf = configured(ev, 'CONFIG_PERF_EVENTS') !== false;
  caps['probe:software'] = perf ? cap(true, 'software perf events are available', [configLine(ev, 'CONFIG_PERF_EVENTS')]) : cap(false, 'kernel built without CONFIG_PERF_EVENTS', [configLine(ev, 'CONFIG_PERF_EVENTS')]);
  caps['probe:profile'] = { ...caps['probe:software'], reason: perf ? 'timed sampling through perf software clock events' : caps['probe:software'].reason };
  caps['probe:interval'] = { ...caps['probe:profile'] };
  const hasCpuPmu = ev.pmus.includes('cpu') || ev.pmus.some((p) => p.startsWith('cpu_'));
  const hwEvidence = [`/sys/bus/event_source/devices: ${ev.pmus.join(', ') || '(none)'}`];
  if (ev.hardwareCounters) hwEvidence.push(`perf_event_open(PERF_COUNT_HW_CPU_CYCLES): ${ev.hardwareCounters.ok ? 'ok' : `failed: ${ev.hardwareCounters.message}`}`);
  const hwWorks = ev.hardwareCounters ? ev.hardwareCounters.ok : hasCpuPmu;
  caps['probe:hardware'] = hwWorks
    ? cap(true, 'hardware counters are available', hwEvidence)
    : cap(
        false,
        `no hardware counters: ${hasCpuPmu ? 'perf_event_open of a hardware event fails' : 'no CPU PMU is exposed'} (typical of a VM)`,
        hwEvidence,
        'Run on bare metal or enable PMU passthrough in the hypervisor',
        'Use software events (software:cpu-clock:, software:page-faults:) or profile:hz:99.',
      );
  caps['probe:watchpoint'] = ev.pmus.includes('breakpoint') ? cap(true, 'hardware breakpoints are available', ['PMU breakpoint present']) : cap(false, 'no breakpoint PMU', [`PMUs: ${ev.pmus.join(', ')}`]);
  caps['probe:BEGIN'] = cap(true, 'always available', []);
  caps['probe:END'] = cap(true, 'always available', []);
  return caps;
}
