// One bpftrace run: spawn, decode, record, aggregate, stream, stop. The pure parts
// (decoders, injection, live state, error hints) are separate modules; this is the shell.
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { AggregateEvent, Capability, ErrorEvent, ExitEvent, RecordingHeader, RunOptions, SessionState, SessionStatus, SessionUpdate, TraceEvent } from '../../common/contract/index.js';
import { RECORDING_FORMAT } from '../../common/contract/index.js';
import { StdoutDecoder } from './decode-stdout.js';
import { StderrDecoder } from './decode-stderr.js';
import { explainError } from '../../common/bpftrace/explain-error.js';
import { combineKinds, newFence } from './inject-snapshot.js';
import { stackPrintIntervalMs } from './flame-cadence.js';
import { attributePrints, planSnapshots, type SnapshotPlan } from './print-plan.js';
import { LiveState } from './live-state.js';
import { RecordingWriter, recordingFailureMessage, recordingFileName } from '../recordings/writer.js';
import { PrintfIndex, readLog, type LogLine } from '../recordings/read-log.js';
import { locateProbe } from './locate-probe.js';
import { directSpawner, type BpftraceChild, type BpftraceSpawner } from './spawn-bpftrace.js';
import { StopWatch, stopResult, stopResultMessage, stoppingMessage } from './stop-watch.js';

/** Updates to the renderer: at most one per animation frame. */
const UPDATE_INTERVAL_MS = 16;
const STDERR_IDLE_FLUSH_MS = 150;

export interface StopDeadlines {
  /**
   * After SIGINT, bpftrace prints its maps and detaches: kscope waits while it works (stdout
   * grows or it uses CPU) and escalates to SIGTERM after it has been quiet this long.
   */
  sigintMs: number;
  sigtermMs: number;
  /** Escalate even when bpftrace keeps working after this long (default 10 min). */
  maxMs?: number;
}

/** How often the stop is watched (and the "resolving stack symbols" status refreshed). */
const STOP_SAMPLE_MS = 250;
/** A second stop() this long after the first forces the stop (sooner: a double click, ignored). */
const FORCE_AFTER_MS = 750;
/** bpftrace has been busy this long after SIGINT: say so in the recording (once). */
const STOP_ANNOUNCE_MS = 1000;

/** utime + stime of a process (and its children, when it is the helper), in clock ticks; null when unreadable. */
function cpuTicks(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime: children reaped by it count too.
    return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  } catch {
    return null;
  }
}

export interface SessionConfig {
  id: string;
  source: string;
  options: RunOptions;
  bpftrace: { path: string; version: string };
  /** setpriv, used to give bpftrace a parent-death signal (it dies with us even on SIGKILL). */
  setpriv: string | null;
  /** How bpftrace is started: directly (default, with setpriv) or through the privileged helper. */
  spawn?: BpftraceSpawner;
  kernelRelease: string;
  kscopeVersion: string;
  recordingsDir: string | null;
  /** Write the recording exactly here (the CLI's --output) instead of in recordingsDir. */
  recordingPath?: string;
  capabilities: () => Record<string, Capability>;
  onUpdate: (u: SessionUpdate) => void;
  onEnd?: () => void;
  deadlines?: StopDeadlines;
}

export function memlockIrrelevant(kernelRelease: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  return !!m && (Number(m[1]) > 5 || (Number(m[1]) === 5 && Number(m[2]) >= 11));
}

export class Session {
  readonly id: string;
  readonly source: string;
  readonly startedAt = new Date();
  readonly recordingPath: string | null;
  state: SessionState = 'starting';
  private readonly t0 = performance.now();
  private readonly live: LiveState;
  private readonly stdout: StdoutDecoder;
  private readonly stderr = new StderrDecoder();
  private readonly recording: RecordingWriter | null = null;
  private child: BpftraceChild | null = null;
  private seq = 0;
  private updateTimer: NodeJS.Timeout | null = null;
  private stderrTimer: NodeJS.Timeout | null = null;
  private durationTimer: NodeJS.Timeout | null = null;
  private stopTimers: NodeJS.Timeout[] = [];
  private stackTimer: NodeJS.Timeout | null = null;
  private readonly printsStacks: boolean = false;
  private readonly ended: Promise<void>;
  private resolveEnded!: () => void;
  readonly injected: RecordingHeader['injected'];
  private readonly plan: SnapshotPlan;
  private readonly scriptPrints: ReadonlySet<string>;
  private recordingFailureTold = false;
  private stdoutBytes = 0;
  /** While stopping: what the status bar and `kscope record` show. */
  private stopping: SessionStatus['stopping'] = null;
  private forced = false;
  private stoppingSince: number | null = null;
  private escalated = false;
  /** Maps printed at all, and those printed in bpftrace's exit dump (their final value). */
  private readonly printedNames = new Set<string>();
  private readonly finalNames = new Set<string>();

  constructor(private readonly cfg: SessionConfig) {
    this.id = cfg.id;
    this.source = cfg.source;
    this.ended = new Promise((r) => (this.resolveEnded = r));
    const fence = newFence();
    // Always planned, even without periodic snapshots: the END marker tells the exit dump apart.
    const plan = planSnapshots(cfg.source, { intervalMs: cfg.options.snapshotMs, fence, bpftraceVersion: cfg.bpftrace.version });
    this.plan = plan;
    this.scriptPrints = new Set(plan.scriptPrints);
    // Stack maps are printed on SIGUSR1 at an adaptive interval (see flame-cadence.ts, print-plan.ts).
    this.printsStacks = plan.stackPrint === 'sigusr1' || plan.stackPrint === 'signal-probe';
    this.injected =
      plan.injectedProbes > 0 || plan.stackPrint !== null || plan.scriptPrints.length > 0
        ? { intervalMs: cfg.options.snapshotMs, maps: plan.intervalMaps, stackMaps: plan.stackPrinted, stackPrint: plan.stackPrint, scriptPrints: plan.scriptPrints, exitMarker: plan.exitMarker }
        : null;
    const script = plan.source;
    this.live = new LiveState(plan.injectedProbes, undefined, undefined, { stackMaps: plan.stackMaps, mapKeysMax: cfg.options.mapKeysMax });
    // Always fenced: then every print before the exit dump is a snapshot (see print-plan.ts).
    // Repeated stack keys combine as the map's own aggregation does (min/max keep the extreme).
    this.stdout = new StdoutDecoder({ fence, bpftraceVersion: cfg.bpftrace.version, combine: combineKinds(cfg.source) });
    if (cfg.recordingPath || cfg.recordingsDir) {
      this.recordingPath = cfg.recordingPath ?? path.join(cfg.recordingsDir!, recordingFileName(this.startedAt, cfg.id));
      this.recording = new RecordingWriter(this.recordingPath, {
        type: 'header',
        // KSCOPE_RECORDING_FORMAT=1 writes every map print whole (bench/profile-size compares both; tools that read format 1).
        format: process.env.KSCOPE_RECORDING_FORMAT === '1' ? 1 : RECORDING_FORMAT,
        script: cfg.source,
        options: cfg.options,
        bpftraceVersion: cfg.bpftrace.version,
        kernelRelease: cfg.kernelRelease,
        startedAt: this.startedAt.toISOString(),
        kscopeVersion: cfg.kscopeVersion,
        injected: this.injected,
      });
      if (this.recording.failure) {
        // Not even the header could be written (the disk is full): bpftrace must not start, and
        // no empty file is left to be taken for a recording.
        const message = recordingFailureMessage(this.recording.failure, this.recordingPath);
        if (this.recording.bytes === 0) fs.rmSync(this.recordingPath, { force: true });
        throw new Error(message);
      }
    } else this.recordingPath = null;
    this.start(script);
  }

  private now(): number {
    return Math.round(performance.now() - this.t0);
  }

  private start(script: string): void {
    const spawner = this.cfg.spawn ?? directSpawner({ bpftrace: this.cfg.bpftrace.path, setpriv: this.cfg.setpriv });
    let child: BpftraceChild;
    try {
      child = spawner({
        script,
        unsafe: this.cfg.options.unsafe === true,
        args: this.cfg.options.args,
        mapKeysMax: this.cfg.options.mapKeysMax,
        ...(this.cfg.options.pid !== undefined ? { pid: this.cfg.options.pid } : {}),
        ...(this.cfg.options.command !== undefined ? { command: this.cfg.options.command } : {}),
      });
    } catch (e) {
      this.fail(`could not start bpftrace: ${(e as Error).message}`);
      return;
    }
    this.child = child;
    this.state = 'running';
    const outText = new StringDecoder('utf8');
    const errText = new StringDecoder('utf8');
    const out = child.stdout;
    // Read continuously, never pausing: each read takes whatever bpftrace has written since
    // the last (up to 64 KiB), and that batch is decoded, recorded with one write() and
    // aggregated. stdout is a large pipe (output-pipe.ts), so while we are busy bpftrace
    // keeps writing into the kernel's buffer instead of blocking. (The byte count tells a stop
    // whether bpftrace is still writing its final print: stop-watch.ts.)
    out.on('data', (b: Buffer) => {
      this.stdoutBytes += b.length;
      this.ingest(this.stdout.push(outText.write(b), this.now()));
    });
    child.stderr.on('data', (b: Buffer) => {
      this.ingestErrors(this.stderr.push(errText.write(b), this.now()));
      if (this.stderrTimer) clearTimeout(this.stderrTimer);
      this.stderrTimer = setTimeout(() => this.ingestErrors(this.stderr.flush(this.now())), STDERR_IDLE_FLUSH_MS);
    });
    child.on('error', (e) => {
      this.ingest([{ type: 'error', t: this.now(), message: `could not start bpftrace: ${e.message}` }]);
      if (child.pid === undefined) this.finish(null, null);
    });
    // 'close' (not 'exit'): stdout and stderr are fully drained by then, so the final map
    // dump bpftrace prints on SIGINT is in the recording before the exit line.
    child.on('close', (code, signal) => this.finish(code, signal));
    if (this.cfg.options.durationSec) {
      this.durationTimer = setTimeout(() => void this.stop(), this.cfg.options.durationSec * 1000);
    }
    this.scheduleUpdate();
  }

  private fail(message: string): void {
    this.ingest([{ type: 'error', t: this.now(), message }]);
    this.finish(null, null);
  }

  private ingestErrors(all: TraceEvent[]): void {
    // bpftrace warns that it could not raise RLIMIT_MEMLOCK; since Linux 5.11 BPF memory is
    // charged to the memory cgroup and that limit no longer applies, so the warning is noise.
    const events = memlockIrrelevant(this.cfg.kernelRelease) ? all.filter((e) => !(e.type === 'warning' && /RLIMIT_MEMLOCK/.test(e.message))) : all;
    if (events.length === 0) return;
    const caps = this.cfg.capabilities();
    this.ingest(
      events.map((e) => {
        if (e.type !== 'error') return e;
        let ev: ErrorEvent = explainError(e, caps);
        if (ev.line === undefined) {
          // 0.17 quotes the probe ("Error attaching probe: 'kprobe:vfs_read'"), 0.23 does not.
          const probe = /probe:? '([^']+)'/.exec(ev.message)?.[1] ?? /attaching probe:? ([a-z_]+:[^\s']+)/i.exec(ev.message)?.[1];
          const at = probe ? locateProbe(this.source, probe) : null;
          if (at) ev = { ...ev, ...at };
        }
        return ev;
      }),
    );
  }

  /** Record first, then aggregate and schedule the update to the renderer. */
  private ingest(events: TraceEvent[]): void {
    if (events.length === 0) return;
    attributePrints(events, this.scriptPrints);
    for (const e of events) {
      if (e.type !== 'map' && e.type !== 'hist' && e.type !== 'stats') continue;
      this.printedNames.add(e.name);
      if (!e.snapshot) this.finalNames.add(e.name);
    }
    this.recording?.append(events, this.onRecordedLine);
    if (this.recording?.failure && !this.recordingFailureTold) {
      // The disk filled (or the write failed): tell the user, stop bpftrace the usual way
      // (SIGINT, its final maps still reach the live view), keep showing what comes.
      this.recordingFailureTold = true;
      const err: ErrorEvent = { type: 'error', t: this.now(), message: recordingFailureMessage(this.recording.failure, this.recordingPath) };
      this.live.apply([err]);
      this.errors.push(err);
      if (this.state === 'running' || this.state === 'starting') void this.stop();
    }
    this.live.apply(events);
    if (this.printsStacks && !this.stackTimer) this.scheduleStackPrint();
    for (const e of events) if (e.type === 'error' && this.errors.length < 1000) this.errors.push(e);
    this.scheduleUpdate();
  }

  /** Print stack maps with SIGUSR1, once bpftrace is attached, at an interval that grows with their size. */
  private scheduleStackPrint(): void {
    if (!this.printsStacks || this.stackTimer || this.state !== 'running' || this.live.attachedProbes === null) return;
    this.stackTimer = setTimeout(() => {
      const child = this.child;
      if (this.state === 'running' && child && child.exitCode === null && child.signalCode === null) child.kill('SIGUSR1');
      this.stackTimer = null;
      this.scheduleStackPrint();
    }, stackPrintIntervalMs(this.cfg.options.snapshotMs, this.live.stackKeys, this.stackChangeRate()));
  }

  /** The largest share of a stack map's keys its last print changed (from the recording's deltas), or null. */
  private stackChangeRate(): number | null {
    let most: number | null = null;
    for (const name of this.plan.stackMaps.keys()) {
      const f = this.recording?.changeFraction(name) ?? null;
      if (f === null) return null; // a stack map whose change is not known: the size decides
      most = Math.max(most ?? 0, f);
    }
    return most;
  }

  /** A stack map's flame graph at another resolution or below a frame path. */
  flameGraph(map: string, minFraction: number, focus: readonly string[]): ReturnType<LiveState['flameGraph']> {
    return this.live.flameGraph(map, minFraction, focus);
  }

  private scheduleUpdate(): void {
    if (this.updateTimer) return;
    this.updateTimer = setTimeout(() => {
      this.updateTimer = null;
      this.emitUpdate();
    }, UPDATE_INTERVAL_MS);
  }

  private emitUpdate(): void {
    const pending = this.live.take();
    this.cfg.onUpdate({ sessionId: this.id, seq: this.seq++, status: this.status(), ...pending });
  }

  /** Every error this run reported (bpftrace's, explained). */
  readonly errors: ErrorEvent[] = [];

  /** The latest value of every map this run printed. */
  /** Where each printf line sits in the recording (for readLog). */
  private readonly printfIndex = new PrintfIndex();
  private readonly onRecordedLine = (e: TraceEvent, offset: number, length: number): void => {
    if (e.type === 'printf') this.printfIndex.add(offset, length);
    else this.printfIndex.other(length);
  };

  /** printf lines [start, start+count) read back from the recording (after the run too). */
  readLog(start: number, count: number): { total: number; lines: LogLine[] } {
    return readLog(this.recording ? this.recordingPath : null, this.printfIndex, start, count);
  }

  get maps(): ReadonlyMap<string, AggregateEvent> {
    return this.live.maps;
  }

  /** Why the recording could not be written to the end (disk full, ...), or null. */
  get recordingFailure(): string | null {
    return this.recording?.failure ?? null;
  }

  status(): SessionStatus {
    return {
      state: this.state,
      startedAt: this.startedAt.toISOString(),
      elapsedMs: this.now(),
      ...this.live.counters(),
      stopping: this.stopping,
    };
  }

  /**
   * SIGINT; then wait while bpftrace prints its final maps (saying so), and SIGTERM, SIGKILL
   * once it has been quiet past the deadlines. A second stop() while stopping forces it.
   * Resolves when bpftrace is gone.
   */
  async stop(): Promise<boolean> {
    if (this.state === 'stopping') {
      // Stop again forces it, but not a double click: bpftrace gets a moment for its final print.
      const forcing = this.stoppingSince !== null && this.now() - this.stoppingSince >= FORCE_AFTER_MS;
      if (forcing) this.force();
      await this.ended;
      return forcing;
    }
    if (this.state !== 'running' && this.state !== 'starting') {
      await this.ended;
      return false;
    }
    this.state = 'stopping';
    this.stoppingSince = this.now();
    if (this.stackTimer) clearTimeout(this.stackTimer);
    this.scheduleUpdate();
    const child = this.child;
    const d = this.cfg.deadlines ?? { sigintMs: 5000, sigtermMs: 2000 };
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const sigintAt = this.now();
      const bytesAtSigint = this.stdoutBytes;
      const watch = new StopWatch({ quietMs: d.sigintMs, sigtermMs: d.sigtermMs, maxMs: d.maxMs ?? 600_000 });
      let announced = false;
      const tick = () => {
        if (this.state !== 'stopping') return;
        const at = this.now() - sigintAt;
        const bytes = this.stdoutBytes - bytesAtSigint;
        const action = watch.sample({ at, bytes, cpuTicks: cpuTicks(child.pid) });
        this.stopping = { sinceMs: at, bytes, busy: watch.busy, message: stoppingMessage(bytes, this.plan.stackMaps.size > 0) };
        if (watch.busy && !announced && at >= STOP_ANNOUNCE_MS) {
          announced = true;
          this.ingest([{ type: 'warning', t: this.now(), message: `Waiting for bpftrace's final print: ${this.stopping.message}` }]);
        }
        if (action === 'sigterm') {
          this.escalated = true;
          child.kill('SIGTERM');
        } else if (action === 'sigkill') child.kill('SIGKILL');
        this.scheduleUpdate();
        this.stopTimers.push(setTimeout(tick, STOP_SAMPLE_MS));
      };
      this.stopTimers.push(setTimeout(tick, STOP_SAMPLE_MS));
    }
    await this.ended;
    return true;
  }

  /** Stop now (Stop again, Force, a second Ctrl+C): the maps keep their last complete print. */
  force(): void {
    if (this.state === 'exited') return;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.forced = true;
    child.kill('SIGKILL');
  }

  /** Resolves when the run has ended and its recording is closed. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.state === 'exited') return;
    const t = this.now();
    const torn = this.stdout.dropTornTail();
    if (torn > 0) this.ingest([{ type: 'warning', t, message: `bpftrace stopped in the middle of printing a map: its last ${torn} characters of output (a torn record) were dropped` }]);
    this.ingest(this.stdout.end(t));
    this.ingestErrors(this.stderr.flush(t));
    this.state = 'exited';
    this.stopping = null;
    const exit: ExitEvent = { type: 'exit', t, code, signal: signal ?? null };
    if (this.printedNames.size > 0 || this.plan.hasMaps) {
      const killed = this.forced || this.escalated || (signal !== null && signal !== 'SIGINT');
      exit.result = stopResult({ exitDumpBegan: this.stdout.state.exitDump, killed });
      const finals = [...this.finalNames];
      const snaps = [...this.printedNames].filter((n) => !this.finalNames.has(n));
      const msg = stopResultMessage(exit.result, finals, snaps, this.forced);
      if (msg) this.ingest([{ type: 'warning', t, message: msg }]);
    }
    if (this.forced) exit.forced = true;
    this.ingest([exit]);
    for (const timer of [this.durationTimer, this.stderrTimer, this.updateTimer, this.stackTimer, ...this.stopTimers]) if (timer) clearTimeout(timer);
    this.updateTimer = null;
    this.recording?.close();
    this.emitUpdate();
    this.resolveEnded();
    this.cfg.onEnd?.();
  }

  /** Kill without ceremony (app shutdown). */
  kill(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
