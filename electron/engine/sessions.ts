// The set of runs: start (after checking bpftrace, privileges and tracefs), stop, list,
// and kill them all when the app goes away.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Capability, RunOptions, SessionInfo, SessionUpdate } from '../api/index.js';
import { ensureTracefs } from '../catalog/tracefs.js';
import { checkBpftrace, findOnPath } from './bpftrace-binary.js';
import { Session, type StopDeadlines } from './session.js';

export const MAX_CONCURRENT_RUNS = 4;

export interface EngineConfig {
  kscopeVersion: string;
  recordingsDir: string | null;
  capabilities: () => Record<string, Capability>;
  isRoot?: () => boolean;
  env?: NodeJS.ProcessEnv;
  deadlines?: StopDeadlines;
  /** Keep this many ended sessions in `list()`. */
  keepEnded?: number;
}

export class RunRefused extends Error {}

export class Engine {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<(u: SessionUpdate) => void>();

  constructor(private readonly cfg: EngineConfig) {}

  onUpdate(l: (u: SessionUpdate) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  run(source: string, options: RunOptions, extra: { recordingPath?: string; record?: boolean } = {}): Session {
    const isRoot = this.cfg.isRoot ?? (() => process.getuid?.() === 0);
    const bpf = checkBpftrace(this.cfg.env);
    if (!bpf.ok) throw new RunRefused(bpf.message);
    if (!isRoot()) {
      throw new RunRefused(
        'bpftrace needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN), and kscope is running as an ordinary user. Start it with sudo (sudo npx kscope serve), or run as root.',
      );
    }
    const running = [...this.sessions.values()].filter((s) => s.state !== 'exited').length;
    if (running >= MAX_CONCURRENT_RUNS) throw new RunRefused(`${running} runs are already going; stop one first (at most ${MAX_CONCURRENT_RUNS} at once)`);
    const tracefs = ensureTracefs(true);
    if (!tracefs.path && /\b(tracepoint|t):/.test(source)) throw new RunRefused(tracefs.problem ?? 'tracefs is not available');
    const id = randomBytes(6).toString('hex');
    const session = new Session({
      id,
      source,
      options,
      bpftrace: { path: bpf.path, version: bpf.version },
      setpriv: findOnPath('setpriv', this.cfg.env?.PATH),
      kernelRelease: os.release(),
      kscopeVersion: this.cfg.kscopeVersion,
      recordingsDir: extra.record === false ? null : this.cfg.recordingsDir,
      recordingPath: extra.recordingPath,
      capabilities: this.cfg.capabilities,
      deadlines: this.cfg.deadlines,
      onUpdate: (u) => this.listeners.forEach((l) => l(u)),
      onEnd: () => this.prune(),
    });
    this.sessions.set(id, session);
    return session;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => ({ id: s.id, source: s.source, recordingPath: s.recordingPath, status: s.status() }));
  }

  private prune(): void {
    const keep = this.cfg.keepEnded ?? 50;
    const ended = [...this.sessions.values()].filter((s) => s.state === 'exited');
    for (const s of ended.slice(0, Math.max(0, ended.length - keep))) this.sessions.delete(s.id);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.stop()));
  }

  killAll(): void {
    for (const s of this.sessions.values()) s.kill();
  }
}
