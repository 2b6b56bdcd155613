// Where tracefs lives, and mounting it when it is not mounted and we are root
// (bpftrace cannot find tracepoints without it: "tracepoint not found").
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export const TRACEFS_CANDIDATES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

export interface TracefsState {
  path: string | null;
  mountedByUs: boolean;
  /** Why it is missing, when path is null. */
  problem: string | null;
}

export function findTracefs(candidates = TRACEFS_CANDIDATES): string | null {
  for (const dir of candidates) {
    if (fs.existsSync(`${dir}/available_events`) || fs.existsSync(`${dir}/events`)) return dir;
  }
  return null;
}

let cached: TracefsState | null = null;

/** Find tracefs; mount it at /sys/kernel/tracing when absent and we are root. */
export function ensureTracefs(isRoot = process.getuid?.() === 0): TracefsState {
  if (cached?.path) return cached;
  const found = findTracefs();
  if (found) return (cached = { path: found, mountedByUs: false, problem: null });
  if (!isRoot) {
    return (cached = {
      path: null,
      mountedByUs: false,
      problem: 'tracefs is not mounted and kscope is not root: run `sudo mount -t tracefs nodev /sys/kernel/tracing`',
    });
  }
  try {
    execFileSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing'], { stdio: 'pipe' });
  } catch (e) {
    const msg = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
    return (cached = { path: null, mountedByUs: false, problem: `mounting tracefs at /sys/kernel/tracing failed: ${msg}` });
  }
  const after = findTracefs();
  return (cached = after
    ? { path: after, mountedByUs: true, problem: null }
    : { path: null, mountedByUs: false, problem: 'tracefs mounted but has no events (kernel built without CONFIG_TRACING?)' });
}
