// One bpftrace run: spawn, decode, record, aggregate, stream, stop. The pure parts
// (decoders, injection, live state, error hints) are separate modules; this is the shell.
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { AggregateEvent, Capability, ErrorEvent, RunOptions, SessionState, SessionStatus, SessionUpdate, TraceEvent } from '../api/index.js';
import { RECORDING_FORMAT } from '../api/index.js';
import { StdoutDecoder } from './decode-stdout.js';
import { StderrDecoder } from './decode-stderr.js';
import { explainError } from './explain-error.js';
import { newFence } from './inject-snapshot.js';
import { injectSnapshotWithStacks, stackPrintIntervalMs } from './flame-cadence.js';
import { LiveState } from './live-state.js';
import { RecordingWriter, recordingFailureMessage, recordingFileName } from './recording.js';
import { PrintfIndex, readLog, type LogLine } from './read-log.js';
import { directSpawner, type BpftraceChild, type BpftraceSpawner } from './spawn-bpftrace.js';

/** Updates to the renderer: at most one per animation frame. */
const UPDATE_INTERVAL_MS = 16;
const STDERR_IDLE_FLUSH_MS = 150;
const SMALL_READ_BYTES = 16 * 1024;
const READ_BATCH_MS = 4;

export interface StopDeadlines {
  /** After SIGINT, bpftrace prints its maps and detaches; give it this long. */
  sigintMs: number;
  sigtermMs: number;
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

export function locateInSource(source: string, needle: string): { line: number; column: number; endColumn: number } | null {
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i].indexOf(needle);
    if (c >= 0) return { line: i + 1, column: c + 1, endColumn: c + 1 + needle.length }; // end exclusive, like bpftrace
  }
  return null;
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
  readonly injected: { intervalMs: number; maps: string[] } | null;
  private recordingFailureTold = false;

  constructor(private readonly cfg: SessionConfig) {
    this.id = cfg.id;
    this.source = cfg.source;
    this.ended = new Promise((r) => (this.resolveEnded = r));
    const fence = newFence();
    const inj = cfg.options.snapshotMs > 0 ? injectSnapshotWithStacks(cfg.source, { intervalMs: cfg.options.snapshotMs, fence }) : null;
    // Stack maps are printed by SIGUSR1 at an adaptive interval, not by the injected probe (see flame-cadence.ts).
    this.printsStacks = !!inj && inj.stackMaps.size > 0;
    this.injected = inj && inj.maps.length > 0 ? { intervalMs: cfg.options.snapshotMs, maps: inj.maps } : null;
    const script = this.injected ? inj!.source : cfg.source;
    this.live = new LiveState(this.injected ? inj!.injectedProbes : 0, undefined, undefined, { stackMaps: inj?.stackMaps, mapKeysMax: cfg.options.mapKeysMax });
    this.stdout = new StdoutDecoder({ fence: this.injected ? fence : null });
    if (cfg.recordingPath || cfg.recordingsDir) {
      this.recordingPath = cfg.recordingPath ?? path.join(cfg.recordingsDir!, recordingFileName(this.startedAt, cfg.id));
      this.recording = new RecordingWriter(this.recordingPath, {
        type: 'header',
        format: RECORDING_FORMAT,
        script: cfg.source,
        options: cfg.options,
        bpftraceVersion: cfg.bpftrace.version,
        kernelRelease: cfg.kernelRelease,
        startedAt: this.startedAt.toISOString(),
        kscopeVersion: cfg.kscopeVersion,
        injected: this.injected,
      });
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
    out.on('data', (b: Buffer) => {
      this.ingest(this.stdout.push(outText.write(b), this.now()));
      // bpftrace writes a line at a time; in a flood, reading each line as it comes costs a
      // read() and a recording write() per line. A small chunk means we are keeping up, so
      // let the pipe fill for a moment (the data waits in the kernel's pipe, not in our
      // memory, and 64 KiB holds several ms of a flood).
      if (b.length < SMALL_READ_BYTES) {
        out.pause();
        setTimeout(() => out.resume(), READ_BATCH_MS);
      }
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
          const probe = /probe:? '([^']+)'/.exec(ev.message)?.[1];
          const at = probe ? locateInSource(this.source, probe) : null;
          if (at) ev = { ...ev, ...at };
        }
        return ev;
      }),
    );
  }

  /** Record first, then aggregate and schedule the update to the renderer. */
  private ingest(events: TraceEvent[]): void {
    if (events.length === 0) return;
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
    }, stackPrintIntervalMs(this.cfg.options.snapshotMs, this.live.stackKeys));
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
  };

  /** printf lines [start, start+count) read back from the recording (after the run too). */
  readLog(start: number, count: number): { total: number; lines: LogLine[] } {
    return readLog(this.recording ? this.recordingPath : null, this.printfIndex, start, count);
  }

  get maps(): ReadonlyMap<string, AggregateEvent> {
    return this.live.maps;
  }

  status(): SessionStatus {
    return {
      state: this.state,
      startedAt: this.startedAt.toISOString(),
      elapsedMs: this.now(),
      attachedProbes: this.live.attachedProbes,
      events: this.live.events,
      printfLines: this.live.printfLines,
      lostEvents: this.live.lostEvents,
      exit: this.live.exit,
    };
  }

  /** SIGINT, then SIGTERM, then SIGKILL after deadlines. Resolves when bpftrace is gone. */
  async stop(): Promise<boolean> {
    if (this.state !== 'running' && this.state !== 'starting') {
      await this.ended;
      return false;
    }
    this.state = 'stopping';
    if (this.stackTimer) clearTimeout(this.stackTimer);
    this.scheduleUpdate();
    const child = this.child;
    const d = this.cfg.deadlines ?? { sigintMs: 5000, sigtermMs: 2000 };
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      this.stopTimers.push(
        setTimeout(() => {
          child.kill('SIGTERM');
          this.stopTimers.push(setTimeout(() => child.kill('SIGKILL'), d.sigtermMs));
        }, d.sigintMs),
      );
    }
    await this.ended;
    return true;
  }

  /** Resolves when the run has ended and its recording is closed. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.state === 'exited') return;
    const t = this.now();
    this.ingest(this.stdout.end(t));
    this.ingestErrors(this.stderr.flush(t));
    this.state = 'exited';
    this.ingest([{ type: 'exit', t, code, signal: signal ?? null }]);
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
