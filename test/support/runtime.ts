// Helpers for the runtime tier (real bpftrace on this kernel): run a script through an
// Engine to its end, keep the session's updates, read its recording back; find and watch
// processes by /proc. Used only by *.runtime.test.ts.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { RunOptions, type RunOptionsInput, type SessionUpdate, type TraceEvent } from '../../common/contract/index.js';
import { parseRecording, type ParsedRecording } from '../../node/recordings/writer.js';
import type { Engine } from '../../node/engine/sessions.js';
import type { Session } from '../../node/engine/session.js';

export interface RunResult {
  session: Session;
  updates: SessionUpdate[];
  recording: ParsedRecording;
  events: TraceEvent[];
}

/** Collects every update the engine sends, for any session. */
export class UpdateLog {
  readonly all: SessionUpdate[] = [];
  private readonly off: () => void;
  constructor(engine: Engine) {
    this.off = engine.onUpdate((u) => this.all.push(u));
  }
  of(sessionId: string): SessionUpdate[] {
    return this.all.filter((u) => u.sessionId === sessionId);
  }
  close(): void {
    this.off();
  }
}

export function readRecording(session: Session): ParsedRecording {
  if (!session.recordingPath) throw new Error('session has no recording');
  return parseRecording(fs.readFileSync(session.recordingPath, 'utf8'));
}

/**
 * Start `source`, optionally act while it runs (`during` gets the session; its return value,
 * if a function, is called when the run has ended), await the end, read the recording.
 */
export async function runToEnd(
  engine: Engine,
  source: string,
  options: RunOptionsInput,
  during?: (s: Session) => void | (() => void) | Promise<void | (() => void)>,
): Promise<RunResult> {
  const log = new UpdateLog(engine);
  try {
    const session = engine.run(source, RunOptions.parse(options));
    const cleanup = during ? await during(session) : undefined;
    await session.whenEnded();
    if (typeof cleanup === 'function') cleanup();
    const recording = readRecording(session);
    return { session, updates: log.of(session.id), recording, events: recording.events };
  } finally {
    log.close();
  }
}

export function ofType<K extends TraceEvent['type']>(events: readonly TraceEvent[], type: K): Extract<TraceEvent, { type: K }>[] {
  return events.filter((e): e is Extract<TraceEvent, { type: K }> => e.type === type);
}

/** Resolves when `cond` holds, polling every `everyMs`; rejects after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000, everyMs = 25): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

/** /proc/<pid>/stat, or null when the process is gone. */
export function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // comm is in parentheses and may contain spaces or parentheses: split at the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0],
    ppid: Number(rest[1]),
    cpuTicks: Number(rest[11]) + Number(rest[12]),
  };
}

export function childrenOf(ppid: number): ProcStat[] {
  const out: ProcStat[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = procStat(Number(d));
    if (s && s.ppid === ppid) out.push(s);
  }
  return out;
}

/** Gone, or a zombie nobody has reaped yet (it holds no probes: its BPF links are closed). */
export function isGone(pid: number): boolean {
  const s = procStat(pid);
  return s === null || s.state === 'Z' || s.state === 'X';
}

/** A fresh CLI bundle of the current sources at `outfile` (dist/ may be stale or being rebuilt). */
export async function bundleCli(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.resolve('cli/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron', 'bufferutil', 'utf-8-validate'],
    logLevel: 'error',
  });
}
