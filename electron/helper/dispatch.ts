// The helper's core: frames in, replies and run output out. Everything that touches the
// system (spawning, files, bpftrace -l/--info) is injected, so the doors can be tested and
// fuzzed without root: a refused request never reaches `spawnRun`.
import { bpftraceArgv } from '../engine/bpftrace-argv.js';
import {
  encodeJsonFrame,
  Kind,
  parseRequest,
  type CapabilitiesResult,
  type ErrorCode,
  type ExitInfo,
  type FrameEvent,
  type HelloResult,
  type HelperRunOptions,
  type ListProbesResult,
  type SignalName,
} from './protocol.js';

/** What bpftrace sees of the environment: ours, never the caller's. */
export const RUN_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
export const MAX_RUNS = 8;

export interface RunSpawnSpec {
  /** bpftrace's arguments, with SCRIPT_FILE where the script's file goes. */
  argv: string[];
  env: Record<string, string>;
  script: Buffer;
}
export const SCRIPT_FILE = '\0script-file\0';

export interface RunSink {
  stdout(b: Buffer): void;
  stderr(b: Buffer): void;
  exit(info: ExitInfo): void;
}

export interface RunHandle {
  pid: number;
  kill(sig: SignalName): boolean;
}

export interface HelperDeps {
  bpftrace(): { path: string; version: string } | null;
  /** Starts bpftrace (with a parent-death signal); throws when it cannot. */
  spawnRun(spec: RunSpawnSpec, sink: RunSink): RunHandle;
  listProbes(pattern: string): Promise<ListProbesResult>;
  capabilities(): Promise<CapabilitiesResult>;
  identity(): { pid: number; uid: number; parentDeathSignal: number };
  /** Writes one frame to the engine. */
  send(frame: Buffer): void;
}

export function runSpec(options: HelperRunOptions, script: Buffer): RunSpawnSpec {
  const env: Record<string, string> = { PATH: RUN_PATH, BPFTRACE_COLOR: 'never', LANG: 'C.UTF-8' };
  if (options.mapKeysMax !== undefined) env.BPFTRACE_MAP_KEYS_MAX = String(options.mapKeysMax);
  const unsafe = options.unsafe && options.unsafeConsent;
  return { argv: bpftraceArgv({ format: options.format, unsafe, args: options.args, pid: options.pid }, { file: SCRIPT_FILE }), env, script };
}

export class Dispatcher {
  private readonly runs = new Map<number, RunHandle>();
  /** Spawns started (for tests: a refused request must not add one). */
  spawned = 0;

  constructor(private readonly deps: HelperDeps) {}

  get activeRuns(): number {
    return this.runs.size;
  }

  private reply(id: number, result: unknown): void {
    this.deps.send(encodeJsonFrame(Kind.reply, id, { ok: true, result }));
  }

  private refuse(id: number, code: ErrorCode, message: string): void {
    this.deps.send(encodeJsonFrame(Kind.reply, id, { ok: false, error: { code, message } }));
  }

  /** One event of the FrameReader. Never throws: every failure becomes an error reply. */
  handle(ev: FrameEvent): void {
    try {
      this.handleUnsafe(ev);
    } catch (e) {
      this.refuse(ev.type === 'malformed' ? 0 : ev.id, 'failed', (e as Error).message);
    }
  }

  private handleUnsafe(ev: FrameEvent): void {
    if (ev.type === 'malformed') return this.refuse(0, 'malformed', `frame length ${ev.length} is too short for a header`);
    if (ev.type === 'too-large') return this.refuse(ev.id, 'too-large', `frame of ${ev.length} bytes refused; at most ${2 * 1024 * 1024}`);
    if (ev.kind !== Kind.request) return this.refuse(ev.id, 'malformed', `frame kind 0x${ev.kind.toString(16)} is not a request`);
    if (ev.id === 0) return this.refuse(0, 'malformed', 'request id 0 is reserved');
    const p = parseRequest(ev.payload);
    if (!p.ok) return this.refuse(ev.id, p.code, p.message);
    const req = p.request;
    switch (req.method) {
      case 'hello':
        return this.reply(ev.id, { protocol: 1, bpftrace: this.deps.bpftrace(), ...this.deps.identity() } satisfies HelloResult);
      case 'run':
        return this.run(ev.id, req.options, p.body);
      case 'signal': {
        const run = this.runs.get(req.run);
        if (!run) return this.refuse(ev.id, 'no-such-run', `no run ${req.run} is going`);
        return this.reply(ev.id, { sent: run.kill(req.signal) });
      }
      case 'listProbes':
        return this.later(ev.id, () => this.deps.listProbes(req.pattern));
      case 'capabilities':
        return this.later(ev.id, () => this.deps.capabilities());
    }
  }

  private later(id: number, f: () => Promise<unknown>): void {
    if (!this.deps.bpftrace()) return this.refuse(id, 'no-bpftrace', NO_BPFTRACE);
    f().then(
      (r) => this.reply(id, r),
      (e: Error) => this.refuse(id, 'failed', e.message),
    );
  }

  private run(id: number, options: HelperRunOptions, script: Buffer): void {
    if (this.runs.has(id)) return this.refuse(id, 'bad-request', `run ${id} is already going`);
    if (this.runs.size >= MAX_RUNS) return this.refuse(id, 'bad-request', `${MAX_RUNS} runs are already going`);
    if (!this.deps.bpftrace()) return this.refuse(id, 'no-bpftrace', NO_BPFTRACE);
    const send = this.deps.send;
    let handle: RunHandle;
    try {
      this.spawned++;
      handle = this.deps.spawnRun(runSpec(options, script), {
        stdout: (b) => send(frameWith(Kind.stdout, id, b)),
        stderr: (b) => send(frameWith(Kind.stderr, id, b)),
        exit: (info) => {
          this.runs.delete(id);
          send(encodeJsonFrame(Kind.exit, id, info));
        },
      });
    } catch (e) {
      return this.refuse(id, 'failed', `could not start bpftrace: ${(e as Error).message}`);
    }
    this.runs.set(id, handle);
    this.reply(id, { run: id, pid: handle.pid });
  }

  /** The engine is gone: nothing may stay attached. */
  killAll(): void {
    for (const r of this.runs.values()) r.kill('KILL');
  }
}

const NO_BPFTRACE = 'bpftrace is not installed in a root-owned system directory (/usr/bin, /usr/sbin, /usr/local/bin, ...); install it: sudo apt-get install bpftrace';

function frameWith(kind: number, id: number, b: Buffer): Buffer {
  const f = Buffer.allocUnsafe(9 + b.length);
  f.writeUInt32BE(5 + b.length, 0);
  f.writeUInt8(kind, 4);
  f.writeUInt32BE(id, 5);
  b.copy(f, 9);
  return f;
}
