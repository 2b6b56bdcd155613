// The fake backend's runs: no bpftrace, no kernel, no root. A run reads the script's maps
// (script-maps.ts) and produces, on a timer, the events bpftrace would print for them
// (growing counts, histograms, stats, kernel stacks from a real capture plus a synthetic
// profile, printf lines), and sends them through the REAL pipeline: the recording writer
// (so the library lists and replays the run), LiveState (so updates, flame folding and
// map history are the engine's), readLog over the recording. Errors come from real
// bpftrace stderr captures through the real StderrDecoder and explainError. A script that
// mentions `flood` or `lost` floods printf lines or loses events (the UI's states for them).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RECORDING_FORMAT, type Capability, type RunOptions, type SessionInfo, type SessionStatus, type SessionUpdate, type TraceEvent } from '../../../common/contract/index.js';
import { StderrDecoder } from '../../../node/engine/decode-stderr.js';
import { decodeLine } from '../../../node/engine/decode-stdout.js';
import { explainError } from '../../../common/bpftrace/explain-error.js';
import { LiveState } from '../../../node/engine/live-state.js';
import { readLog, PrintfIndex } from '../../../node/recordings/read-log.js';
import { recordingFileName, RecordingWriter } from '../../../node/recordings/writer.js';
import { kstackKey, syntheticProfile } from '../synthetic-profile.js';
import { probeCount, scriptMaps, type ScriptMap } from './script-maps.js';

const FIXTURES = path.resolve(__dirname, '../../fixtures/bpftrace-0.17');
const COMMS = ['bash', 'sshd', 'node', 'systemd', 'chromium', 'kworker/0:1', 'containerd', 'Xorg', 'pipewire', 'dbus-daemon', 'rsyslogd', 'cron'];
const FILES = ['/etc/ld.so.cache', '/lib/x86_64-linux-gnu/libc.so.6', '/proc/self/status', '/etc/passwd', '/sys/fs/cgroup/cpu.max', '/tmp/kscope.sock'];

/** Kernel stacks: the real one captured on this machine (tests search it for "idle") and a synthetic profile. */
function stackKeys(): { key: string; weight: number }[] {
  const real: string[] = [];
  for (const line of fs.readFileSync(path.join(FIXTURES, 'kstack.stdout.ndjson'), 'utf8').split('\n')) {
    const e = line.trim() ? decodeLine(line, 0) : null;
    if (e?.type === 'map') for (const en of e.entries) if (en.key) real.push(en.key.replace(/\n,[^\n]*$/, '\n'));
  }
  const p = syntheticProfile(7);
  const synthetic = p.stacks(60, 16).map((frames) => kstackKey(frames));
  const counts = p.counts(60, 6000);
  return [...real.map((key) => ({ key, weight: 400 })), ...synthetic.map((key, i) => ({ key, weight: counts[i] }))];
}

/** The stderr bpftrace printed for a script this kernel refuses (captured by scripts/gen-fixtures.mjs). */
function refusalStderr(source: string): string | null {
  if (/\bsyntax_error\b/.test(source)) return fs.readFileSync(path.join(FIXTURES, 'syntax-error.stderr.txt'), 'utf8');
  if (/^\s*kretprobe:/m.test(source)) return fs.readFileSync(path.join(FIXTURES, 'kretprobe-error.stderr.txt'), 'utf8');
  if (/^\s*kprobe:/m.test(source)) return fs.readFileSync(path.join(FIXTURES, 'kprobe-error.stderr.txt'), 'utf8');
  return null;
}

export interface FakeRunsConfig {
  recordingsDir: string | null;
  kscopeVersion: string;
  kernelRelease: string;
  bpftraceVersion: string;
  capabilities: () => Record<string, Capability>;
  /** How often a run produces events (ms). */
  tickMs?: number;
}

class FakeRun {
  readonly id = randomBytes(6).toString('hex');
  readonly startedAt = new Date();
  readonly recordingPath: string | null;
  state: SessionStatus['state'] = 'starting';
  private readonly t0 = Date.now();
  private readonly live = new LiveState();
  private readonly recording: RecordingWriter | null;
  private readonly printfIndex = new PrintfIndex();
  private readonly maps: ScriptMap[];
  private readonly counts = new Map<string, number>();
  private seq = 0;
  private ticks = 0;
  private lastSnapshot = 0;
  private timer: NodeJS.Timeout | null = null;
  private ended!: () => void;
  readonly done = new Promise<void>((r) => (this.ended = r));

  constructor(
    readonly source: string,
    private readonly options: RunOptions,
    private readonly cfg: FakeRunsConfig,
    private readonly stacks: () => { key: string; weight: number }[],
    private readonly send: (u: SessionUpdate) => void,
    /** Every other run shifts weight to a third of the stacks, so two profiles differ as "before and after a change" do. */
    private readonly variant: number,
  ) {
    this.maps = scriptMaps(source);
    this.recordingPath = cfg.recordingsDir ? path.join(cfg.recordingsDir, recordingFileName(this.startedAt, this.id)) : null;
    this.recording = this.recordingPath
      ? new RecordingWriter(this.recordingPath, {
          type: 'header',
          format: RECORDING_FORMAT,
          script: source,
          options,
          bpftraceVersion: cfg.bpftraceVersion,
          kernelRelease: cfg.kernelRelease,
          startedAt: this.startedAt.toISOString(),
          kscopeVersion: cfg.kscopeVersion,
          injected: options.snapshotMs > 0 && this.maps.length > 0 ? { intervalMs: options.snapshotMs, maps: this.maps.map((m) => m.name) } : null,
        })
      : null;
    const tick = cfg.tickMs ?? 100;
    const refusal = refusalStderr(source);
    setTimeout(() => (refusal !== null ? this.refuse(refusal) : this.attach()), tick);
    if (options.durationSec) setTimeout(() => void this.stop(), options.durationSec * 1000);
  }

  private now(): number {
    return Date.now() - this.t0;
  }

  private emit(events: TraceEvent[]): void {
    this.recording?.append(events, (e, offset, length) => {
      if (e.type === 'printf') this.printfIndex.add(offset, length);
    });
    this.live.apply(events);
    this.send({ sessionId: this.id, seq: this.seq++, status: this.status(), ...this.live.take() });
  }

  private refuse(stderr: string): void {
    const dec = new StderrDecoder();
    const t = this.now();
    const events = [...dec.push(stderr, t), ...dec.flush(t)].map((e) => (e.type === 'error' ? explainError(e, this.cfg.capabilities()) : e));
    this.finish(events, 1);
  }

  private attach(): void {
    if (this.state !== 'starting') return;
    this.state = 'running';
    this.emit([{ type: 'attached', t: this.now(), probes: probeCount(this.source) }]);
    this.timer = setInterval(() => this.tick(), this.cfg.tickMs ?? 100);
  }

  private tick(): void {
    this.ticks++;
    const t = this.now();
    const events: TraceEvent[] = [];
    if (/\bprintf\s*\(/.test(this.source)) {
      // A script that says `flood` (in a comment, say) prints like a busy tracepoint: more than an update carries.
      const lines = /\bflood\b/.test(this.source) ? 1500 : 3;
      for (let i = 0; i < lines; i++) {
        const n = this.ticks * lines + i;
        events.push({ type: 'printf', t, text: `${COMMS[n % COMMS.length].padEnd(16)} ${String(1000 + ((n * 7919) % 60000)).padEnd(6)} ${FILES[n % FILES.length]}\n` });
      }
    }
    // A script that says `lost` loses events, as bpftrace reports them when its buffers overflow.
    if (/\blost\b/.test(this.source) && this.ticks % 5 === 0) events.push({ type: 'lost', t, events: 17 * this.ticks });
    const every = this.options.snapshotMs;
    if (every > 0 && t - this.lastSnapshot >= every) {
      this.lastSnapshot = t;
      events.push(...this.prints(t, true));
    }
    if (events.length) this.emit(events);
    else this.send({ sessionId: this.id, seq: this.seq++, status: this.status(), ...this.live.take() });
    if (/\bexit\s*\(\s*\)/.test(this.source)) void this.stop();
  }

  /** Every map as bpftrace prints it now; counts grow with the ticks. */
  private prints(t: number, snapshot: boolean): TraceEvent[] {
    const k = this.ticks;
    const grow = (id: string, by: number) => {
      const v = (this.counts.get(id) ?? 0) + by;
      this.counts.set(id, v);
      return v;
    };
    return this.maps.map((m): TraceEvent => {
      const keys: (string | null)[] = m.key === 'none' ? [null] : m.key === 'stack' ? this.stacks().map((s) => s.key) : COMMS.slice(0, Math.min(COMMS.length, 3 + k));
      if (m.fn === 'hist' || m.fn === 'lhist') {
        return {
          type: 'hist',
          t,
          name: m.name,
          snapshot,
          entries: keys.slice(0, 3).map((key, i) => ({
            key,
            buckets: Array.from({ length: 14 }, (_, b) => ({ ...(b === 0 ? { min: 0, max: 0 } : { min: 2 ** (b - 1), max: 2 ** b - 1 }), count: grow(`${m.name}${key}${b}`, Math.round((k + 3) * 40 * Math.exp(-((b - 7 - i) ** 2) / 6))) })),
          })),
        };
      }
      if (m.fn === 'stats' || m.fn === 'avg') {
        return {
          type: 'stats',
          t,
          name: m.name,
          snapshot,
          entries: keys.slice(0, 6).map((key, i) => {
            const count = grow(`${m.name}${key}`, 40 + i);
            const average = 512 + i * 700;
            return { key, value: m.fn === 'avg' ? average : { count, average, total: count * average } };
          }),
        };
      }
      const weights = m.key === 'stack' ? this.stacks().map((s, i) => s.weight * (this.variant % 2 === 1 && i % 3 === 1 ? 4 : 1)) : keys.map((_, i) => Math.round(2000 / (i + 1)));
      return { type: 'map', t, name: m.name, snapshot, entries: keys.map((key, i) => ({ key, value: grow(`${m.name}${key}`, Math.max(1, Math.round(weights[i] / 10))) })) };
    });
  }

  private finish(events: TraceEvent[], code: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.state = 'exited';
    this.emit([...events, { type: 'exit', t: this.now(), code, signal: null }]);
    this.recording?.close();
    this.ended();
  }

  /** As bpftrace on SIGINT: print every map one last time (not a snapshot) and exit 0. */
  async stop(): Promise<boolean> {
    if (this.state === 'exited' || this.state === 'stopping') return false;
    if (this.state === 'starting') {
      this.finish([], 0);
      return true;
    }
    this.state = 'stopping';
    await new Promise((r) => setTimeout(r, this.cfg.tickMs ?? 100));
    this.finish(this.prints(this.now(), false), 0);
    return true;
  }

  status(): SessionStatus {
    return {
      state: this.state,
      startedAt: this.startedAt.toISOString(),
      elapsedMs: this.now(),
      ...this.live.counters(),
    };
  }

  info(): SessionInfo {
    return { id: this.id, source: this.source, recordingPath: this.recordingPath, status: this.status() };
  }

  readLog(start: number, count: number) {
    return readLog(this.recordingPath, this.printfIndex, start, count);
  }

  flameGraph(map: string, minFraction: number, focus: readonly string[]) {
    return this.live.flameGraph(map, minFraction, focus);
  }
}

/** The runs of one fake backend: start, stop, list, updates (the shape of the Engine the library reads). */
export class FakeRuns {
  private readonly runs = new Map<string, FakeRun>();
  private readonly listeners = new Set<(u: SessionUpdate) => void>();
  private stacksCache: { key: string; weight: number }[] | null = null;

  constructor(private readonly cfg: FakeRunsConfig) {}

  onUpdate(l: (u: SessionUpdate) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  run(source: string, options: RunOptions): FakeRun {
    const r = new FakeRun(source, options, this.cfg, () => (this.stacksCache ??= stackKeys()), (u) => this.listeners.forEach((l) => l(u)), this.runs.size);
    this.runs.set(r.id, r);
    return r;
  }

  get(id: string): FakeRun | undefined {
    return this.runs.get(id);
  }

  list(): SessionInfo[] {
    return [...this.runs.values()].map((r) => r.info());
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.stop()));
  }
}
