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

export function parseBpftraceInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s+([\w .()-]+?):\s+(yes|no)\b/.exec(line);
    if (m) out[m[1].trim()] = m[2];
  }
  return out;
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
}

const readInt = (p: string): number | null => {
  const t = readText(p);
  const n = t === null ? NaN : Number(t.trim());
  return Number.isFinite(n) ? n : null;
};

export function gatherEvidence(
  roots: Roots = SYSTEM_ROOTS,
  opts: { kernelRelease?: string; uid?: number; bpftrace?: string | null; native?: NativeProbes | null } = {},
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
  const lockdownText = readText(`${roots.sys}/kernel/security/lockdown`);
  const lockdown = lockdownText ? (/\[(\w+)\]/.exec(lockdownText)?.[1] ?? null) : null;
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
    uid: opts.uid ?? process.getuid?.() ?? -1,
    lockdown,
    bpftrace: bpfPath && version ? { path: bpfPath, version } : null,
    bpftraceFeatures,
  };
}
