// Finding the bpftrace binary and its version. KSCOPE_BPFTRACE overrides the PATH lookup
// (tests use it to simulate a missing or broken binary).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function findOnPath(name: string, pathVar = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** The bpftrace to run: $KSCOPE_BPFTRACE if set (even when it does not exist), else PATH. */
export function findBpftrace(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.KSCOPE_BPFTRACE !== undefined) return env.KSCOPE_BPFTRACE || null;
  return findOnPath('bpftrace', env.PATH);
}

export function parseVersion(text: string): string | null {
  const m = /bpftrace\s+v?(\d+\.\d+(?:\.\d+)?[\w.+-]*)/.exec(text);
  return m ? m[1] : null;
}

const versions = new Map<string, string | null>();

/** `bpftrace --version` → "0.17.0"; null when it cannot be executed. */
export function bpftraceVersion(bin: string): string | null {
  if (versions.has(bin)) return versions.get(bin)!;
  let v: string | null;
  try {
    v = parseVersion(execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch {
    v = null;
  }
  versions.set(bin, v);
  return v;
}

export type BpftraceCheck = { ok: true; path: string; version: string } | { ok: false; message: string };

/** Everything that must hold before a run can start, as one clear message when it does not. */
export function checkBpftrace(env: NodeJS.ProcessEnv = process.env): BpftraceCheck {
  const bin = findBpftrace(env);
  if (!bin) return { ok: false, message: 'bpftrace is not installed (not found on PATH). Install it: sudo apt-get install bpftrace' };
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    return { ok: false, message: `bpftrace at ${bin} ${fs.existsSync(bin) ? 'is not executable' : 'does not exist'}. Install it: sudo apt-get install bpftrace` };
  }
  const version = bpftraceVersion(bin);
  if (!version) return { ok: false, message: `${bin} did not answer --version like bpftrace does; is it bpftrace?` };
  return { ok: true, path: bin, version };
}
