// Every bpftrace installed here that kscope is tested against: the system's (PATH) and the
// builds scripts/bpftrace-versions.sh unpacks under /opt (KSCOPE_BPFTRACE_DIR overrides).
// KSCOPE_BPFTRACE selects one: a path, or a version prefix such as "0.23".
import fs from 'node:fs';
import path from 'node:path';
import { bpftraceVersion, findOnPath } from './bpftrace-binary.js';

/** The versions the runtime tiers expect (major.minor): Debian 12's, trixie's and sid's. */
export const TESTED_VERSIONS = ['0.17', '0.23', '0.27'] as const;

export interface InstalledBpftrace {
  /** "0.23.2" */
  version: string;
  /** "0.23" */
  minor: string;
  path: string;
}

const minorOf = (v: string) => /^(\d+\.\d+)/.exec(v)?.[1] ?? v;

function candidates(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  const sys = findOnPath('bpftrace', env.PATH);
  if (sys) out.push(sys);
  const dir = env.KSCOPE_BPFTRACE_DIR || '/opt';
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => /^bpftrace-\d+\.\d+/.test(n)).sort();
  } catch {
    /* no such directory: only the system's */
  }
  for (const n of names) {
    const p = path.join(dir, n, 'bpftrace');
    if (fs.existsSync(path.join(dir, n, '.installed'))) out.push(p);
  }
  return out;
}

/** Installed bpftrace binaries that answer --version, one per version, oldest first. */
export function installedBpftraces(env: NodeJS.ProcessEnv = process.env): InstalledBpftrace[] {
  const seen = new Map<string, InstalledBpftrace>();
  for (const p of candidates(env)) {
    const v = bpftraceVersion(p);
    if (v && !seen.has(v)) seen.set(v, { version: v, minor: minorOf(v), path: p });
  }
  const all = [...seen.values()].sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
  const sel = env.KSCOPE_BPFTRACE;
  if (sel === undefined || sel === '') return all;
  if (sel.includes('/')) {
    const v = bpftraceVersion(sel);
    return v ? [{ version: v, minor: minorOf(v), path: sel }] : [];
  }
  return all.filter((b) => b.version === sel || b.minor === sel || b.version.startsWith(sel + '.'));
}

/**
 * The tested versions with the binary to use or why there is none (for a test to skip
 * with a printed reason).
 */
export function testedBpftraces(env: NodeJS.ProcessEnv = process.env): Array<{ minor: string; bin: InstalledBpftrace | null; why: string | null }> {
  const have = installedBpftraces(env);
  const sel = env.KSCOPE_BPFTRACE;
  return TESTED_VERSIONS.map((minor) => {
    const bin = have.find((b) => b.minor === minor) ?? null;
    let why: string | null = null;
    if (!bin) {
      why = sel
        ? `KSCOPE_BPFTRACE=${sel} selects another bpftrace`
        : minor === '0.17'
          ? 'no bpftrace 0.17 on PATH (Debian 12: apt-get install bpftrace)'
          : `bpftrace ${minor} is not installed under ${env.KSCOPE_BPFTRACE_DIR || '/opt'} (run: sudo scripts/bpftrace-versions.sh)`;
    }
    return { minor, bin, why };
  });
}
