// One script on many hosts: a run per host, each recorded locally in its own recording
// (header: host, its kernel and bpftrace version, the run id and all the run's hosts).
// Faults stay with their host: one that cannot be reached, refuses the run (no bpftrace)
// or loses its link is marked with the reason while the others go on; what a host sent
// before a cut stays recorded; stop reaches every host.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { KscopeRpcError, type KscopeClient, type RunOptions, type TraceEvent } from '../../common/contract/index.js';
import { HostRecording, type HostInfo, type RunGroup } from './host-recording.js';
import { hostSlug, type HostTarget } from './ssh-target.js';

/** What a run needs of a connected host (RemoteHost, or an in-process pair in tests). */
export interface HostConnection {
  client: KscopeClient;
  onClose(l: (reason: string) => void): () => void;
  close(): Promise<void>;
}

export type HostState = 'connecting' | 'running' | 'stopping' | 'done' | 'failed' | 'cut';

export interface HostOutcome {
  target: string;
  state: 'done' | 'failed' | 'cut';
  reason: string | null;
  recordingPath: string;
  kernelRelease: string | null;
  bpftraceVersion: string | null;
  /** Event lines copied from the far side. */
  events: number;
  exit: { code: number | null; signal: string | null } | null;
}

export interface MultiRunOptions {
  targets: HostTarget[];
  source: string;
  options: RunOptions;
  recordingsDir: string;
  kscopeVersion: string;
  connect(t: HostTarget): Promise<HostConnection>;
  onEvent?(host: string, e: TraceEvent): void;
  onState?(host: string, state: HostState, reason: string | null): void;
  /** What the host said of itself once connected, and where its recording goes. */
  onInfo?(host: string, info: { kernelRelease: string; bpftraceVersion: string | null; recordingPath: string }): void;
  /** How often to pull without being told there is something new (ms). */
  pollMs?: number;
}

/** How much of a recording one pull asks for (the contract allows up to 2 MiB). */
const PULL_BYTES = 1024 * 1024;

class HostRun {
  private conn: HostConnection | null = null;
  private sessionId: string | null = null;
  private offset = 0;
  private pumping = false;
  private again = false;
  private stopRequested = false;
  private poll: NodeJS.Timeout | null = null;
  private finished = false;
  private readonly rec: HostRecording;
  private readonly info: HostInfo;
  private version: { kernelRelease: string; bpftrace: { version: string } | null } | null = null;
  private exit: HostOutcome['exit'] = null;
  readonly done: Promise<HostOutcome>;
  private resolve!: (o: HostOutcome) => void;

  constructor(
    private readonly t: HostTarget,
    private readonly o: MultiRunOptions,
    group: RunGroup,
    stamp: string,
    index: number,
  ) {
    this.done = new Promise((r) => (this.resolve = r));
    this.info = { target: t.spec, remoteRecording: null };
    this.rec = new HostRecording(path.join(o.recordingsDir, // The index keeps two specs with the same slug apart.
      `${stamp}-${group.id}-${index + 1}-${hostSlug(t.spec)}.ndjson`), this.info, group, (e) => {
      if (e.type === 'exit') this.exit = { code: e.code, signal: e.signal };
      o.onEvent?.(t.spec, e);
    });
  }

  private state(s: HostState, reason: string | null = null): void {
    this.o.onState?.(this.t.spec, s, reason);
  }

  async start(): Promise<void> {
    this.state('connecting');
    const startedAt = new Date().toISOString();
    const own = () =>
      this.rec.writeOwnHeader({
        script: this.o.source,
        options: this.o.options,
        bpftraceVersion: this.version?.bpftrace?.version ?? null,
        kernelRelease: this.version?.kernelRelease ?? '',
        startedAt,
        kscopeVersion: this.o.kscopeVersion,
      });
    try {
      this.conn = await this.o.connect(this.t);
    } catch (e) {
      own();
      return this.fail(`cannot reach ${this.t.spec}: ${(e as Error).message}`);
    }
    try {
      this.version = await this.conn.client.version();
      this.o.onInfo?.(this.t.spec, { kernelRelease: this.version.kernelRelease, bpftraceVersion: this.version.bpftrace?.version ?? null, recordingPath: this.rec.path });
      if (this.stopRequested) {
        own();
        return this.fail('stopped before the run started there');
      }
      this.conn.onClose((reason) => this.cut(reason));
      this.conn.client.on('session', (u) => {
        if (u.sessionId === this.sessionId) void this.pump();
      });
      const r = await this.conn.client.run({ source: this.o.source, options: this.o.options });
      this.sessionId = r.sessionId;
      this.info.remoteRecording = r.recordingPath;
      if (!r.recordingPath) throw new Error('the far side keeps no recording of the run');
    } catch (e) {
      own();
      return this.fail(`${this.t.spec}: ${e instanceof KscopeRpcError && e.code === 'failed' ? 'refused the run: ' : ''}${(e as Error).message}`);
    }
    this.state('running');
    this.poll = setInterval(() => void this.pump(), this.o.pollMs ?? 500);
    if (this.stopRequested) void this.stop();
    void this.pump();
  }

  /** Copy everything the far side has recorded since the last pull. */
  private async pump(): Promise<void> {
    if (this.finished || !this.conn || this.sessionId === null) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const c = await this.conn.client.recordingTail({ sessionId: this.sessionId, offset: this.offset, maxBytes: PULL_BYTES });
          if (this.finished) return;
          this.rec.push(c.text);
          this.offset = c.nextOffset;
          if (c.ended) return this.end();
          if (c.text.length === 0) break;
        }
      } while (this.again);
    } catch (e) {
      // A closed channel is handled by cut(); anything else is this host's failure.
      if (!(e instanceof KscopeRpcError && e.code === 'closed')) this.cutNow(`pulling the recording failed: ${(e as Error).message}`);
    } finally {
      this.pumping = false;
    }
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    if (this.finished || !this.conn || this.sessionId === null) return;
    this.state('stopping');
    try {
      await this.conn.client.stop({ sessionId: this.sessionId });
    } catch {
      // the link is gone: cut() records it
    }
    void this.pump();
  }

  private end(): void {
    if (this.finished) return;
    this.finish('done', this.rec.invalidLines ? `${this.rec.invalidLines} malformed lines from the far side were left out` : null);
  }

  private cut(reason: string): void {
    if (this.finished) return;
    // Let a pull that is already on its way land first.
    setTimeout(() => this.cutNow(`connection lost: ${reason}`), 0);
  }

  private cutNow(reason: string): void {
    if (this.finished) return;
    if (!this.rec.hasHeader) this.rec.writeOwnHeader({ script: this.o.source, options: this.o.options, bpftraceVersion: this.version?.bpftrace?.version ?? null, kernelRelease: this.version?.kernelRelease ?? '', startedAt: new Date().toISOString(), kscopeVersion: this.o.kscopeVersion });
    // No exit line: the recording reads as interrupted, which is what it is.
    this.rec.append({ type: 'error', t: this.rec.lastT, message: `${this.t.spec}: ${reason}. Everything it sent before is kept above; its engine stops the run when it notices.` });
    this.finish('cut', reason);
  }

  private fail(reason: string): void {
    this.rec.append({ type: 'error', t: 0, message: reason });
    this.rec.append({ type: 'exit', t: 0, code: null, signal: null });
    this.finish('failed', reason);
  }

  private finish(state: 'done' | 'failed' | 'cut', reason: string | null): void {
    if (this.finished) return;
    this.finished = true;
    if (this.poll) clearInterval(this.poll);
    this.rec.close();
    this.state(state, reason);
    const outcome: HostOutcome = {
      target: this.t.spec,
      state,
      reason,
      recordingPath: this.rec.path,
      kernelRelease: this.version?.kernelRelease ?? null,
      bpftraceVersion: this.version?.bpftrace?.version ?? null,
      events: this.rec.lines,
      exit: this.exit,
    };
    const conn = this.conn;
    // The far side stops its runs when our end closes; wait for ssh so nothing lingers.
    void (conn ? conn.close().catch(() => {}) : Promise.resolve()).then(() => this.resolve(outcome));
  }
}

export class MultiRun {
  readonly id = randomBytes(4).toString('hex');
  private readonly hosts: HostRun[];
  readonly done: Promise<HostOutcome[]>;

  constructor(o: MultiRunOptions) {
    if (o.targets.length === 0) throw new Error('no hosts');
    const specs = o.targets.map((t) => t.spec);
    const dup = specs.find((s, i) => specs.indexOf(s) !== i);
    if (dup) throw new Error(`host ${dup} is named twice`);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const group: RunGroup = { id: this.id, hosts: specs };
    this.hosts = o.targets.map((t, i) => new HostRun(t, o, group, stamp, i));
    for (const h of this.hosts) void h.start();
    this.done = Promise.all(this.hosts.map((h) => h.done));
  }

  /** Stop on every host (each copies its final maps before it ends). */
  async stop(): Promise<HostOutcome[]> {
    await Promise.all(this.hosts.map((h) => h.stop()));
    return this.done;
  }
}
