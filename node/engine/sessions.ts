// The set of runs: start (after checking bpftrace, privileges and tracefs), stop, list,
// and kill them all when the app goes away.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Capability, RunOptions, SessionInfo, SessionUpdate } from '../../common/contract/index.js';
import { ensureTracefs } from '../catalog/tracefs.js';
import { checkBpftrace, findOnPath } from './bpftrace-binary.js';
import { Session, type StopDeadlines } from './session.js';
import { scriptProblem } from './script-limits.js';
import { HelperClient, type HelperCommand } from '../privileged/client.js';
import type { BpftraceSpawner } from './spawn-bpftrace.js';
import { gatherLaunchFacts, planLaunch, type LaunchPlan, type UnsafeLaunch } from '../privileged/launch.js';

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
  /** Direct spawn or the privileged helper (default: node/privileged/launch.ts's decision). */
  launch?: (isRoot: boolean) => LaunchPlan;
}

export class RunRefused extends Error {}

export class Engine {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<(u: SessionUpdate) => void>();
  private helper: HelperClient | null = null;
  private readonly unsafeHelpers = new Set<HelperClient>();

  constructor(private readonly cfg: EngineConfig) {}

  onUpdate(l: (u: SessionUpdate) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  run(source: string, options: RunOptions, extra: { recordingPath?: string; record?: boolean } = {}): Session {
    const isRoot = this.cfg.isRoot ?? (() => process.getuid?.() === 0);
    // The same limit on every path (IPC, WebSocket, CLI, helper): text, not empty, ≤ 1 MiB.
    const problem = scriptProblem(source);
    if (problem) throw new RunRefused(problem);
    const bpf = checkBpftrace(this.cfg.env);
    if (!bpf.ok) throw new RunRefused(bpf.message);
    // Not root (or KSCOPE_HELPER=always): bpftrace runs in the privileged helper.
    const plan = (this.cfg.launch ?? ((root) => planLaunch(gatherLaunchFacts(this.cfg.env ?? process.env, root))))(isRoot());
    if (plan.kind === 'refuse') throw new RunRefused(plan.message);
    const running = [...this.sessions.values()].filter((s) => s.state !== 'exited').length;
    if (running >= MAX_CONCURRENT_RUNS) throw new RunRefused(`${running} runs are already going; stop one first (at most ${MAX_CONCURRENT_RUNS} at once)`);
    // Through the helper, tracefs is root's business (an ordinary user may not even see it).
    const tracefs = plan.kind === 'direct' ? ensureTracefs(true) : { path: '(helper)', problem: null };
    if (!tracefs.path && /\b(tracepoint|t):/.test(source)) throw new RunRefused(tracefs.problem ?? 'tracefs is not available');
    const id = randomBytes(6).toString('hex');
    const session = new Session({
      id,
      source,
      options,
      bpftrace: { path: bpf.path, version: bpf.version },
      setpriv: findOnPath('setpriv', this.cfg.env?.PATH),
      spawn: plan.kind === 'helper' ? (options.unsafe ? this.unsafeHelper(plan.unsafe) : this.helperFor(plan.command).spawner()) : undefined,
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

  /**
   * An --unsafe run through the helper gets a helper of its own, started through the unsafe
   * polkit action (authentication asked for this run), closed when the run ends.
   */
  private unsafeHelper(u: UnsafeLaunch): BpftraceSpawner {
    if ('refused' in u) throw new RunRefused(u.refused);
    return (req) => {
      const client = new HelperClient(u.command);
      this.unsafeHelpers.add(client);
      const child = client.spawner()(req);
      child.on('close', () => {
        this.unsafeHelpers.delete(client);
        client.close();
      });
      return child;
    };
  }

  /** One helper for all runs (one authentication); a new one when the last has gone. */
  private helperFor(cmd: HelperCommand): HelperClient {
    if (!this.helper?.alive) this.helper = new HelperClient(cmd);
    return this.helper;
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
    this.helper?.close();
    for (const h of this.unsafeHelpers) h.close();
  }

  killAll(): void {
    for (const s of this.sessions.values()) s.kill();
    // Its stdin's end makes the helper kill what is left and exit (we cannot signal a root process).
    this.helper?.close();
    for (const h of this.unsafeHelpers) h.close();
  }
}
