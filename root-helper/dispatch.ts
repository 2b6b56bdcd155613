// The helper's core: frames in, replies and run output out. Everything that touches the
// system (spawning, files, bpftrace -l/--info) is injected, so the doors can be tested and
// fuzzed without root: a refused request never reaches `spawnRun`.
import { bpftraceArgv } from '../common/bpftrace/argv.js';
import {
  encodeJsonFrame,
  Kind,
  MAX_REQUEST_FRAME,
  parseRequest,
  type ErrorCode,
  type ExitInfo,
  type FrameEvent,
  type HelloResult,
  type HelperRunOptions,
  type RunResult,
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
  /** Asked to give the engine the stdout pipe (protocol.ts, output 'fd'), tagged with this run id. */
  outputFd?: { tag: number };
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
  /** Set when the stdout pipe was sent to the engine (only if the spec asked and the helper could). */
  outputPipeBytes?: number;
}

export interface HelperDeps {
  bpftrace(): { path: string; version: string } | null;
  /** Starts bpftrace (with a parent-death signal); throws when it cannot. */
  spawnRun(spec: RunSpawnSpec, sink: RunSink): RunHandle;
  identity(): { pid: number; uid: number; parentDeathSignal: number };
  /** Can send a run's stdout pipe to the engine (addon present, stdin a unix socket). */
  outputFd?: boolean;
  /**
   * This helper was started through the unsafe polkit action (which asks for authentication
   * every time; the installed kscope-helper-unsafe wrapper sets it, outside the caller's
   * reach): it serves ONE run, which may use --unsafe. Otherwise --unsafe is refused,
   * whatever the request says.
   */
  unsafeAllowed: boolean;
  /** Writes one frame to the engine. */
  send(frame: Buffer): void;
}

/** `unsafe`: the run's --unsafe was allowed by how this helper was started (never by the request). */
export function runSpec(options: HelperRunOptions, script: Buffer, unsafe = false): RunSpawnSpec {
  const env: Record<string, string> = { PATH: RUN_PATH, BPFTRACE_COLOR: 'never', LANG: 'C.UTF-8' };
  if (options.mapKeysMax !== undefined) env.BPFTRACE_MAP_KEYS_MAX = String(options.mapKeysMax);
  return { argv: bpftraceArgv({ format: options.format, unsafe: unsafe && options.unsafe, args: options.args, pid: options.pid }, { file: SCRIPT_FILE }), env, script };
}

export const UNSAFE_REFUSED =
  'run: --unsafe is refused: a request cannot consent to it; the app must start a helper through the unsafe polkit action (org.kscope.run-bpftrace-unsafe), which asks for authentication for that one run';

export class Dispatcher {
  private readonly runs = new Map<number, RunHandle>();
  /** Spawns started (for tests: a refused request must not add one). */
  spawned = 0;
  /** An unsafe helper's one run has been started. */
  private usedUnsafeRun = false;

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
    if (ev.type === 'too-large') return this.refuse(ev.id, 'too-large', `frame of ${ev.length} bytes refused; at most ${MAX_REQUEST_FRAME}`);
    if (ev.kind !== Kind.request) return this.refuse(ev.id, 'malformed', `frame kind 0x${ev.kind.toString(16)} is not a request`);
    if (ev.id === 0) return this.refuse(0, 'malformed', 'request id 0 is reserved');
    const p = parseRequest(ev.payload);
    if (!p.ok) return this.refuse(ev.id, p.code, p.message);
    const req = p.request;
    switch (req.method) {
      case 'hello':
        return this.reply(ev.id, { protocol: 1, bpftrace: this.deps.bpftrace(), ...this.deps.identity(), unsafe: this.deps.unsafeAllowed, outputFd: this.deps.outputFd === true } satisfies HelloResult);
      case 'run':
        return this.run(ev.id, req.options, p.body);
      case 'signal': {
        const run = this.runs.get(req.run);
        if (!run) return this.refuse(ev.id, 'no-such-run', `no run ${req.run} is going`);
        return this.reply(ev.id, { sent: run.kill(req.signal) });
      }
    }
  }

  private run(id: number, options: HelperRunOptions, script: Buffer): void {
    if (this.runs.has(id)) return this.refuse(id, 'bad-request', `run ${id} is already going`);
    if (this.runs.size >= MAX_RUNS) return this.refuse(id, 'bad-request', `${MAX_RUNS} runs are already going`);
    if (options.unsafe && !this.deps.unsafeAllowed) return this.refuse(id, 'unsafe-without-consent', UNSAFE_REFUSED);
    if (this.deps.unsafeAllowed && this.usedUnsafeRun) return this.refuse(id, 'bad-request', 'this helper was authorised for one unsafe run, and it has been started; start another helper for the next run');
    if (!this.deps.bpftrace()) return this.refuse(id, 'no-bpftrace', NO_BPFTRACE);
    if (this.deps.unsafeAllowed) this.usedUnsafeRun = true;
    const send = this.deps.send;
    let handle: RunHandle;
    try {
      this.spawned++;
      const spec = runSpec(options, script, this.deps.unsafeAllowed);
      if (options.output === 'fd' && this.deps.outputFd) spec.outputFd = { tag: id };
      handle = this.deps.spawnRun(spec, {
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
    this.reply(id, { run: id, pid: handle.pid, ...(handle.outputPipeBytes !== undefined ? { output: 'fd', pipeBytes: handle.outputPipeBytes } : {}) } satisfies RunResult);
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
