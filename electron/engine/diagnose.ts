// Check a script without running it: what this kernel cannot attach (from capabilities,
// with positions), then bpftrace's own dry run (--emit-elf compiles without attaching).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Capability, Diagnostic } from '../api/index.js';
import { parseErrorText } from './decode-stderr.js';
import { explainError } from './explain-error.js';
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

/** bpftrace's dry run: compile the script (no attach) and parse what it says. */
export function bpftraceDryRun(bpftrace: string, source: string): Promise<Diagnostic[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-dry-'));
  return new Promise((resolve) => {
    const child = spawn(bpftrace, ['--emit-elf', path.join(dir, 'out.o'), '-e', source], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BPFTRACE_COLOR: 'never' } });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 1_000_000) stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), DRY_RUN_TIMEOUT_MS);
    const done = (extra: Diagnostic[]) => {
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(extra);
    };
    child.on('error', (e) => done([{ severity: 'warning', message: `could not check the script with bpftrace: ${e.message}` }]));
    child.on('close', () => {
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
