// Gather the facts capabilities are reasoned from. Every root is a parameter so tests
// run on fixture trees (a distro kernel with kprobes, a locked-down one, ...).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import { findBpftrace, bpftraceVersion } from '../engine/bpftrace-binary.js';
import { findTracefs } from './tracefs.js';

export interface Evidence {
  kernelRelease: string;
  /** CONFIG_X → value ('y', 'm', or a string); null when no config could be read. */
  config: Map<string, string> | null;
  configSource: string | null;
  tracefs: string | null;
  tracefsFiles: string[];
  btf: boolean;
  headers: string | null;
  pmus: string[];
  uid: number;
  lockdown: string | null;
  bpftrace: { path: string; version: string } | null;
  /** bpftrace's own feature claims (`--info`), used only alongside other evidence. */
  bpftraceFeatures: Record<string, string>;
  /** Effective capabilities of this process (null: could not ask: native addon missing). */
  effectiveCaps: string[] | null;
  perfEventParanoid: number | null;
  unprivilegedBpfDisabled: number | null;
  /** perf_event_open of a hardware counter (null: not tried). */
  hardwareCounters: { ok: boolean; message: string } | null;
  /** Where `lockdown` was read: securityfs, or the kernel log when securityfs is absent. */
  lockdownSource: string | null;
  /** The kernel's answer to loading a minimal fentry program, and a tp_btf one for contrast (null: not tried). */
  fentryLoad: LoadAttempt | null;
  tpBtfLoad: LoadAttempt | null;
}

/**
 * Mount securityfs at <sys>/kernel/security when it is not mounted (as kscope mounts tracefs):
 * lockdown is read from it. Only as root; true when lockdown is readable afterwards.
 */
export function ensureSecurityfs(sys: string): boolean {
  const dir = `${sys}/kernel/security`;
  if (fs.existsSync(`${dir}/lockdown`)) return true;
  if (process.getuid?.() !== 0 || !fs.existsSync(dir)) return false;
  const r = spawnSync('mount', ['-t', 'securityfs', 'securityfs', dir], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0 && fs.existsSync(`${dir}/lockdown`);
}

/** The kernel log, as `dmesg` prints it (null when it cannot be read). */
export function readKernelLog(): string | null {
  const r = spawnSync('dmesg', [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, maxBuffer: 16 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : null;
}

export interface Roots {
  proc: string;
  sys: string;
  boot: string;
  lib: string;
  usrSrc: string;
  tracefsCandidates: string[];
}

export const SYSTEM_ROOTS: Roots = {
  proc: '/proc',
  sys: '/sys',
  boot: '/boot',
  lib: '/lib',
  usrSrc: '/usr/src',
  tracefsCandidates: ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'],
};

export function parseKernelConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (m) out.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

/**
 * `bpftrace --info` feature lines → { feature: value }. 0.17 prints one feature a line
 * (`  kfunc: no`, `  uprobe refcount (depends on Build:bcc ...): yes`); 0.23 and 0.27 print
 * two a line in columns (`  kprobe: yes      tracepoint: yes`); 0.27 prints no fentry line.
 * A parenthesised remark is dropped from the name.
 */
export function parseBpftraceInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!/^\s/.test(line)) continue; // section titles ("Probe types") are not indented
    for (const cell of line.trim().split(/\s{2,}/)) {
      const m = /^(.+?):\s+(yes|no|\d+)\b/.exec(cell);
      if (m) out[m[1].replace(/\s*\(.*\)\s*$/, '').trim()] = m[2];
    }
  }
  return out;
}

/** The lockdown mode named in the kernel log ("Kernel is locked down from …"), from the kernel config. */
export function lockdownFromKernelLog(log: string, config: Map<string, string> | null): { mode: string; line: string } | null {
  const line = log.split('\n').find((l) => /Kernel is locked down from|Lockdown: .* is restricted/.test(l));
  if (!line) return null;
  const mode = config?.get('CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY') === 'y' ? 'confidentiality' : config?.get('CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY') === 'y' ? 'integrity' : 'integrity';
  return { mode, line: line.replace(/^\[\s*[\d.]+\]\s*/, '').trim() };
}

function readConfig(roots: Roots, release: string): { config: Map<string, string> | null; source: string | null } {
  const gz = `${roots.proc}/config.gz`;
  try {
    return { config: parseKernelConfig(zlib.gunzipSync(fs.readFileSync(gz)).toString()), source: gz };
  } catch {
    /* fall through to /boot */
  }
  const boot = `${roots.boot}/config-${release}`;
  try {
    return { config: parseKernelConfig(fs.readFileSync(boot, 'utf8')), source: boot };
  } catch {
    return { config: null, source: null };
  }
}

const readText = (p: string): string | null => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

export interface NativeProbes {
  effectiveCapabilities(): string[];
  probeHardwareCounters(): { ok: boolean; errno: number; message: string };
  /** Load (never attach) a minimal tracing program: the kernel's own answer about fentry. */
  probeTracingLoad?(kind: 'fentry' | 'fexit' | 'tp_btf', target: string): { ok: boolean; errno: number; message: string; log: string };
}

export interface LoadAttempt {
  what: string;
  ok: boolean;
  errno: number;
  message: string;
}

const readInt = (p: string): number | null => {
  const t = readText(p);
  const n = t === null ? NaN : Number(t.trim());
  return Number.isFinite(n) ? n : null;
};

let loadCache: { fentry: LoadAttempt | null; tpBtf: LoadAttempt | null } | null = null;

export function gatherEvidence(
  roots: Roots = SYSTEM_ROOTS,
  opts: {
    kernelRelease?: string;
    uid?: number;
    bpftrace?: string | null;
    native?: NativeProbes | null;
    /** Mount securityfs when lockdown is unreadable (only for the real /sys, as root). */
    mountSecurityfs?: boolean;
    /** The kernel log (dmesg), read only when securityfs has no answer. */
    kernelLog?: () => string | null;
  } = {},
): Evidence {
  const kernelRelease = opts.kernelRelease ?? os.release();
  const { config, source } = readConfig(roots, kernelRelease);
  const tracefs = findTracefs(roots.tracefsCandidates);
  let tracefsFiles: string[] = [];
  if (tracefs) {
    try {
      tracefsFiles = fs.readdirSync(tracefs);
    } catch {
      /* unreadable: no files */
    }
  }
  const headerCandidates = [`${roots.lib}/modules/${kernelRelease}/build/include/linux`, `${roots.usrSrc}/linux-headers-${kernelRelease}/include/linux`];
  const headers = headerCandidates.find((p) => fs.existsSync(p)) ?? null;
  let pmus: string[];
  try {
    pmus = fs.readdirSync(`${roots.sys}/bus/event_source/devices`);
  } catch {
    pmus = [];
  }
  const lockdownPath = `${roots.sys}/kernel/security/lockdown`;
  let lockdownText = readText(lockdownPath);
  if (lockdownText === null && opts.mountSecurityfs && ensureSecurityfs(roots.sys)) lockdownText = readText(lockdownPath);
  let lockdown = lockdownText ? (/\[(\w+)\]/.exec(lockdownText)?.[1] ?? null) : null;
  let lockdownSource: string | null = lockdownText ? `${lockdownPath}: ${lockdownText.trim()}` : null;
  if (lockdown === null && opts.kernelLog !== undefined) {
    const fromLog = lockdownFromKernelLog(opts.kernelLog() ?? '', config);
    if (fromLog) {
      lockdown = fromLog.mode;
      lockdownSource = `kernel log: "${fromLog.line}"${config?.get('CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY') === 'y' ? ' and CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y' : ''}`;
    }
  }
  const bpfPath = opts.bpftrace === undefined ? findBpftrace() : opts.bpftrace;
  const version = bpfPath ? bpftraceVersion(bpfPath) : null;
  let bpftraceFeatures: Record<string, string> = {};
  if (bpfPath && version) {
    // bpftrace prints --info on stderr (0.17) or stdout (newer): read both.
    const r = spawnSync(bpfPath, ['--info'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    bpftraceFeatures = parseBpftraceInfo(`${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  }
  let effectiveCaps: string[] | null = null;
  let hardwareCounters: Evidence['hardwareCounters'] = null;
  let fentryLoad: LoadAttempt | null = null;
  let tpBtfLoad: LoadAttempt | null = null;
  const uid = opts.uid ?? process.getuid?.() ?? -1;
  if (opts.native?.probeTracingLoad && uid === 0) {
    const load = opts.native.probeTracingLoad.bind(opts.native);
    const attempt = (kind: 'fentry' | 'tp_btf', target: string): LoadAttempt | null => {
      try {
        const r = load(kind, target);
        return { what: `bpf_prog_load(BPF_PROG_TYPE_TRACING, ${kind} ${target})`, ok: r.ok, errno: r.errno, message: r.message };
      } catch {
        return null;
      }
    };
    // The kernel's answer does not change while we run: ask once per process.
    loadCache ??= { fentry: attempt('fentry', 'vfs_read'), tpBtf: attempt('tp_btf', 'sched_switch') };
    fentryLoad = loadCache.fentry;
    tpBtfLoad = loadCache.tpBtf;
  }
  if (opts.native) {
    try {
      effectiveCaps = opts.native.effectiveCapabilities();
    } catch {
      effectiveCaps = null;
    }
    try {
      const h = opts.native.probeHardwareCounters();
      hardwareCounters = { ok: h.ok, message: h.message };
    } catch {
      hardwareCounters = null;
    }
  }
  return {
    kernelRelease,
    effectiveCaps,
    hardwareCounters,
    perfEventParanoid: readInt(`${roots.proc}/sys/kernel/perf_event_paranoid`),
    unprivilegedBpfDisabled: readInt(`${roots.proc}/sys/kernel/unprivileged_bpf_disabled`),
    config,
    configSource: source,
    tracefs,
    tracefsFiles,
    btf: fs.existsSync(`${roots.sys}/kernel/btf/vmlinux`),
    headers,
    pmus,
    uid,
    lockdown,
    lockdownSource,
    fentryLoad,
    tpBtfLoad,
    bpftrace: bpfPath && version ? { path: bpfPath, version } : null,
    bpftraceFeatures,
  };
}
