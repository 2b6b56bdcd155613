// Check a script without running it: what this kernel cannot attach (from capabilities,
// with positions), then bpftrace's own dry run (--emit-elf compiles without attaching).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Capability, Diagnostic } from '../../common/contract/index.js';
import { parseErrorText } from './decode-stderr.js';
import { explainError } from '../../common/bpftrace/explain-error.js';
import { findProbeSpecs } from './probe-specs.js';

/** Probe specs whose type this kernel lacks, as errors at their position. Pure. */
export function capabilityDiagnostics(source: string, caps: Record<string, Capability>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of findProbeSpecs(source)) {
    const cap = caps[`probe:${s.type}`];
    if (!cap || cap.available) continue;
    const explained = explainError({ type: 'error', t: 0, message: `Error attaching probe: '${s.spec}'` }, caps);
    out.push({
      severity: 'error',
      message: `${s.type} probes cannot attach here: ${cap.reason}`,
      line: s.line,
      column: s.column,
      endColumn: s.endColumn,
      hint: explained.hint ?? cap.alternative ?? undefined,
    });
  }
  return out;
}

const DRY_RUN_TIMEOUT_MS = 15_000;
/**
 * Each dry run's heap (RLIMIT_DATA through util-linux prlimit): a normal compile needs ~90 MB;
 * `#include "/dev/zero"` grew ~2 GB/s without it and now stops at this.
 */
export const DRY_RUN_DATA_BYTES = 512 * 1024 * 1024;
/** Dry runs at once (per backend process), and requests allowed to wait for one. */
export const MAX_DRY_RUNS = 2;
export const MAX_WAITING_DRY_RUNS = 4;

let running = 0;
const waiting: (() => void)[] = [];

/** At most MAX_DRY_RUNS compiles at once: one connection typing fast cannot start 38 root compiles. */
async function withDryRunSlot<T>(f: () => Promise<T>, busy: () => T): Promise<T> {
  if (running >= MAX_DRY_RUNS) {
    if (waiting.length >= MAX_WAITING_DRY_RUNS) return busy();
    await new Promise<void>((r) => waiting.push(r));
  }
  running++;
  try {
    return await f();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Dry runs going now (for tests). */
export function dryRunsRunning(): number {
  return running;
}

/** bpftrace's dry run: compile the script (no attach) and parse what it says. Bounded in time, memory and number. */
export function bpftraceDryRun(bpftrace: string, source: string, prlimit: string | null = findPrlimit()): Promise<Diagnostic[]> {
  return withDryRunSlot(
    () => dryRun(bpftrace, source, prlimit),
    () => [{ severity: 'warning', message: `not checked: ${MAX_DRY_RUNS} checks are running and ${MAX_WAITING_DRY_RUNS} waiting; the next edit checks again` }],
  );
}

function findPrlimit(): string | null {
  for (const p of ['/usr/bin/prlimit', '/bin/prlimit']) if (fs.existsSync(p)) return p;
  return null;
}

function dryRun(bpftrace: string, source: string, prlimit: string | null): Promise<Diagnostic[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-dry-'));
  // The script as a file: an argv string is limited to 128 KiB, a script to 1 MiB.
  const file = path.join(dir, 'script.bt');
  fs.writeFileSync(file, source, { mode: 0o600 });
  const argv = ['--emit-elf', path.join(dir, 'out.o'), file];
  const [cmd, args] = prlimit ? [prlimit, [`--data=${DRY_RUN_DATA_BYTES}`, '--', bpftrace, ...argv]] : [bpftrace, argv];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BPFTRACE_COLOR: 'never' } });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 1_000_000) stderr += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, DRY_RUN_TIMEOUT_MS);
    const done = (extra: Diagnostic[]) => {
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(extra);
    };
    child.on('error', (e) => done([{ severity: 'warning', message: `could not check the script with bpftrace: ${e.message}` }]));
    child.on('close', () => {
      if (timedOut) return done([{ severity: 'warning', message: `not checked: bpftrace's dry run took over ${DRY_RUN_TIMEOUT_MS / 1000} s and was stopped` }]);
      // Paths in bpftrace's messages name our temporary copy: call it what bpftrace calls -e.
      stderr = stderr.split(file).join('stdin');
      if (/LLVM ERROR: out of memory|Allocation failed|std::bad_alloc/.test(stderr)) {
        return done([{ severity: 'error', message: `checking the script needed more than ${DRY_RUN_DATA_BYTES >> 20} MiB and was stopped (an #include of a device or a huge file?)` }]);
      }
      const diags: Diagnostic[] = parseErrorText(stderr)
        .filter((d) => !/RLIMIT_MEMLOCK/.test(d.message))
        .map((d) => ({
          severity: d.type === 'error' ? 'error' : 'warning',
          message: d.message,
          ...(d.line !== undefined ? { line: d.line } : {}),
          ...(d.column !== undefined ? { column: d.column } : {}),
          ...(d.endColumn !== undefined ? { endColumn: d.endColumn } : {}),
          ...(d.type === 'error' && d.hint ? { hint: d.hint } : {}),
        }));
      done(diags);
    });
  });
}

/** kscope's findings first; bpftrace's own messages on the same lines are then redundant. */
export function mergeDiagnostics(ours: Diagnostic[], theirs: Diagnostic[]): Diagnostic[] {
  const lines = new Set(ours.map((d) => d.line));
  return [...ours, ...theirs.filter((d) => d.line === undefined ? !(ours.length && /attach/i.test(d.message)) : !lines.has(d.line))];
}
