// The engine's side of the privileged helper: starts it (through pkexec, sudo -n or
// directly, as launch.ts decided), says hello, and runs bpftrace through it. A run looks
// like a child process to the session (stdout/stderr streams, kill, 'close').
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import { Readable, type Writable } from 'node:stream';
import { pipeReadable } from '../engine/output-pipe.js';
import type { BpftraceChild, BpftraceSignal, BpftraceSpawner } from '../engine/spawn-bpftrace.js';
import { loadNative, type NativeAddon } from '../native.js';
import {
  ExitInfo,
  FrameReader,
  HelloResult,
  Kind,
  MAX_HELPER_FRAME,
  MAX_SCRIPT_BYTES,
  PROTOCOL_VERSION,
  Reply,
  RunResult,
  encodeRequest,
  type HelperRequestInput,
  type HelperRunOptionsInput,
  type SignalName,
} from '../../root-helper/protocol.js';

export interface HelperCommand {
  command: string;
  args: string[];
  /** How it gains root, for messages: 'direct' (we are root), 'pkexec' or 'sudo'. */
  via: 'direct' | 'pkexec' | 'sudo';
  /** Extra environment (a helper started directly by a root app: its unsafe mode). */
  env?: Record<string, string>;
}

export class HelperError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const SIGNALS: Record<BpftraceSignal, SignalName> = { SIGINT: 'INT', SIGTERM: 'TERM', SIGKILL: 'KILL', SIGUSR1: 'USR1' };
/** Output held for a reader that paused before the helper's pipe is paused in turn. */
const RELAY_LIMIT = 4 * 1024 * 1024;

/**
 * A readable that behaves like a pipe: what arrives while its reader is paused is handed
 * over as ONE chunk when it reads again (a Readable would replay each frame as its own
 * chunk, and the session's batching pauses after every small chunk).
 */
class Relay {
  readonly stream: Readable;
  private queue: Buffer[] = [];
  private bytes = 0;
  private want = false;
  private ending = false;

  constructor(private readonly drained: () => void) {
    // highWaterMark 0: read() only when the reader really wants data, never to fill a buffer.
    this.stream = new Readable({ highWaterMark: 0, read: () => this.pull() });
  }

  private pull(): void {
    this.want = true;
    this.flush();
  }

  /** false when the reader is this far behind that the helper should wait. */
  write(b: Buffer): boolean {
    this.queue.push(b);
    this.bytes += b.length;
    if (this.want) this.flush();
    return this.bytes < RELAY_LIMIT;
  }

  private flush(): void {
    if (this.queue.length > 0) {
      const chunk = this.queue.length === 1 ? this.queue[0] : Buffer.concat(this.queue, this.bytes);
      this.queue = [];
      this.bytes = 0;
      this.want = false;
      this.stream.push(chunk);
      this.drained();
    }
    if (this.ending && this.queue.length === 0) this.stream.push(null);
  }

  end(): void {
    this.ending = true;
    if (this.queue.length === 0) this.stream.push(null);
  }
}

/** One bpftrace run inside the helper, shaped like a ChildProcess for the session. */
export class HelperRun extends EventEmitter implements BpftraceChild {
  readonly stdout: Readable;
  readonly stderr: Readable;
  private readonly out: Relay;
  private readonly err: Relay;
  pid: number | undefined = undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  /** Set once the helper confirmed the run; signals asked before wait for it. */
  id = 0;
  private queued: SignalName[] = [];
  private ended = false;
  /** bpftrace's stdout pipe, when the helper handed it over (output 'fd'); null once it ended. */
  private pipe: Readable | null = null;
  /** How this run's stdout arrives (for tests and the bench). */
  output: 'relay' | 'fd' = 'relay';

  constructor(private readonly client: HelperClient) {
    super();
    this.out = new Relay(() => {
      this.drained();
      client.resume();
    });
    this.err = new Relay(() => client.resume());
    this.stdout = this.out.stream;
    this.stderr = this.err.stream;
  }

  kill(signal: BpftraceSignal): boolean {
    if (this.ended) return false;
    const s = SIGNALS[signal];
    if (this.id === 0) this.queued.push(s);
    else this.client.signal(this.id, s);
    return true;
  }

  /** @internal */
  started(id: number, pid: number): void {
    this.id = id;
    this.pid = pid;
    for (const s of this.queued.splice(0)) this.client.signal(id, s);
  }

  /**
   * @internal The helper gave us bpftrace's stdout pipe: read it here (no relay through the
   * helper). Its chunks go through the same Relay, so the session sees one stream either way.
   */
  attachPipe(fd: number, pipeBytes: number): void {
    this.output = 'fd';
    const pipe = pipeReadable(fd, pipeBytes);
    this.pipe = pipe;
    pipe.on('data', (b: Buffer) => {
      if (!this.out.write(b)) pipe.pause();
    });
    const gone = () => {
      if (this.pipe !== pipe) return;
      this.pipe = null;
      if (this.ended) this.out.end();
    };
    pipe.on('end', gone);
    pipe.on('close', gone);
    pipe.on('error', gone);
  }

  /** @internal The session read what was queued: a paused pipe may go on. */
  drained(): void {
    this.pipe?.resume();
  }

  /** @internal Output bytes; false when the reader is behind (the helper's pipe should wait). */
  data(kind: number, b: Buffer): boolean {
    return (kind === Kind.stdout ? this.out : this.err).write(b);
  }

  /** @internal The run is over (bpftrace exited, or it never started, or the helper died). */
  end(info: { code: number | null; signal: string | null; error?: string }): void {
    if (this.ended) return;
    this.ended = true;
    this.queued = [];
    this.exitCode = info.code;
    this.signalCode = info.signal as NodeJS.Signals | null;
    if (info.error) this.emit('error', new Error(info.error));
    // 'close' after both streams have ended, as a ChildProcess does: everything bpftrace
    // printed has been read by then.
    let open = 2;
    const done = () => {
      if (--open === 0) this.emit('close', this.exitCode, this.signalCode);
    };
    for (const [s, relay] of [
      [this.stdout, this.out],
      [this.stderr, this.err],
    ] as const) {
      if (s.readableEnded) done();
      else {
        s.once('end', done);
        // A handed-over pipe ends by itself (EOF once bpftrace is gone): its relay ends then.
        if (relay !== this.out || this.pipe === null) relay.end();
        if (s.listenerCount('data') === 0 && !s.readableFlowing) s.resume();
      }
    }
  }
}

export class HelperClient {
  private readonly child: ChildProcess;
  /** Where requests go: the helper's stdin (our end of a socketpair when the addon made one). */
  private readonly stdin: Writable;
  /** Our end of the helper's stdin socket, on which it sends stdout pipes; null: relay only. */
  private readonly fdSocket: number | null = null;
  private readonly native: NativeAddon | null = null;
  /** The helper can hand over stdout pipes and we can receive them. */
  private outputFd = false;
  private readonly reader = new FrameReader(MAX_HELPER_FRAME);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onResult?: (v: unknown) => void }>();
  private readonly runs = new Map<number, HelperRun>();
  private stderrTail = '';
  private exited: string | null = null;
  readonly hello: Promise<HelloResult>;

  constructor(readonly cmd: HelperCommand) {
    // The helper's stdin is a unix socketpair we make (the addon), so the helper can send us
    // bpftrace's stdout pipe on it (SCM_RIGHTS; pkexec and sudo keep fds 0-2 only). Without
    // the addon: Node's pipe, and output is relayed.
    let pair: [number, number] | null = null;
    try {
      const native = loadNative();
      if (typeof native.socketPair === 'function' && typeof native.recvFd === 'function') {
        pair = native.socketPair();
        this.native = native;
      }
    } catch {
      pair = null;
    }
    const env = cmd.env ? { ...process.env, ...cmd.env } : process.env;
    // KSCOPE_HELPER_OUTPUT=relay: relay even when the helper could pass the pipe (the fallback, for tests and benches).
    const relayOnly = process.env.KSCOPE_HELPER_OUTPUT === 'relay';
    try {
      this.child = spawn(cmd.command, cmd.args, { stdio: [pair ? pair[1] : 'pipe', 'pipe', 'pipe'], env });
    } finally {
      if (pair) fs.closeSync(pair[1]); // the helper has its copy as fd 0
    }
    if (pair) {
      this.fdSocket = pair[0];
      // Written only: libuv never reads it, so the descriptors the helper sends wait for recvFd.
      this.stdin = new net.Socket({ fd: pair[0], readable: false, writable: true });
    } else this.stdin = this.child.stdin!;
    this.stdin.on('error', () => {}); // EPIPE when the helper is gone: 'exit' says why
    this.child.stdout!.on('data', (b: Buffer) => this.onData(b));
    this.child.stderr!.on('data', (b: Buffer) => (this.stderrTail = (this.stderrTail + b.toString()).slice(-2000)));
    this.child.on('error', (e) => this.gone(`could not start the privileged helper (${cmd.command}): ${e.message}`));
    this.child.on('close', (code, signal) => this.gone(this.exitMessage(code, signal)));
    this.hello = this.request({ v: PROTOCOL_VERSION, method: 'hello' }).then((r) => {
      const hello = HelloResult.parse(r);
      if (hello.uid !== 0) throw new HelperError(`the privileged helper runs as uid ${hello.uid}, not root (${cmd.via} did not elevate it)`, 'not-root');
      this.outputFd = hello.outputFd === true && this.fdSocket !== null && !relayOnly;
      return hello;
    });
    this.hello.catch(() => {}); // callers see it through their own requests
    this.updateRef();
  }

  get alive(): boolean {
    return this.exited === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private exitMessage(code: number | null, signal: NodeJS.Signals | null): string {
    const why = this.stderrTail.trim();
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const hint =
      this.cmd.via === 'pkexec' && (code === 126 || code === 127)
        ? ' (authentication was dismissed or refused)'
        : this.cmd.via === 'sudo' && code === 1 && /password/.test(why)
          ? ' (sudo -n needs a NOPASSWD rule for the helper)'
          : '';
    return `the privileged helper ${how}${hint}${why ? `: ${why}` : ''}`;
  }

  private gone(message: string): void {
    if (this.exited !== null) return;
    this.exited = message;
    // Node destroys a child's own stdin when it exits; our socketpair end is ours to close.
    if (this.stdin !== this.child.stdin) this.stdin.destroy();
    for (const p of this.pending.values()) p.reject(new HelperError(message, 'helper-gone'));
    this.pending.clear();
    for (const r of this.runs.values()) r.end({ code: null, signal: 'SIGKILL', error: message });
    this.runs.clear();
  }

  private onData(b: Buffer): void {
    for (const ev of this.reader.push(b)) {
      if (ev.type !== 'frame') {
        this.child.kill('SIGKILL'); // a helper that sends garbage is not ours to trust
        this.gone(`the privileged helper sent a broken frame (${ev.type})`);
        return;
      }
      if (ev.kind === Kind.stdout || ev.kind === Kind.stderr) {
        const run = this.runs.get(ev.id);
        if (run && !run.data(ev.kind, ev.payload)) this.child.stdout!.pause();
      } else if (ev.kind === Kind.exit) {
        const run = this.runs.get(ev.id);
        this.runs.delete(ev.id);
        const info = ExitInfo.safeParse(parseJson(ev.payload));
        run?.end(info.success ? info.data : { code: null, signal: null, error: 'the helper sent an unreadable exit' });
        this.updateRef();
      } else if (ev.kind === Kind.reply) {
        const p = this.pending.get(ev.id);
        const r = Reply.safeParse(parseJson(ev.payload));
        if (!p) continue; // id 0: a frame the helper could not attribute; nothing waits for it
        this.pending.delete(ev.id);
        if (!r.success) p.reject(new HelperError('the helper sent an unreadable reply', 'malformed'));
        else if (r.data.ok) {
          try {
            // Before the next frame (which may be this run's exit): a handed-over pipe is attached first.
            p.onResult?.(r.data.result);
            p.resolve(r.data.result);
          } catch (e) {
            p.reject(e as Error);
          }
        }
        else p.reject(new HelperError(r.data.error.message, r.data.error.code));
        this.updateRef();
      }
    }
  }

  /** @internal A run's reader wants more. */
  resume(): void {
    this.child.stdout!.resume();
  }

  /** An idle helper does not keep the app's event loop alive. */
  private updateRef(): void {
    const busy = this.pending.size > 0 || this.runs.size > 0;
    for (const s of [this.stdin, this.child.stdout, this.child.stderr] as unknown as { ref(): void; unref(): void }[]) {
      if (busy) s.ref();
      else s.unref();
    }
    if (busy) this.child.ref();
    else this.child.unref();
  }

  /** `onResult` runs synchronously on a successful reply, before any later frame is handled. */
  request(req: HelperRequestInput, body?: Uint8Array, onResult?: (result: unknown) => void): Promise<unknown> {
    if (this.exited !== null) return Promise.reject(new HelperError(this.exited, 'helper-gone'));
    const id = this.nextId++;
    const p = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject, onResult }));
    this.stdin.write(encodeRequest(id, req, body));
    this.updateRef();
    return p;
  }

  /** @internal */
  signal(run: number, signal: SignalName): void {
    this.request({ v: PROTOCOL_VERSION, method: 'signal', run, signal }).catch(() => {}); // the run may have just ended
  }

  /** Starts a run; the returned object reports its failure as 'error' then 'close'. */
  run(script: string, options: HelperRunOptionsInput): HelperRun {
    const run = new HelperRun(this);
    const bytes = Buffer.from(script);
    if (bytes.length > MAX_SCRIPT_BYTES) {
      queueMicrotask(() => run.end({ code: null, signal: null, error: `the script is ${bytes.length} bytes; the helper takes at most ${MAX_SCRIPT_BYTES}` }));
      return run;
    }
    this.hello
      .then(() => {
        const id = this.nextId; // the run's id is its request's id
        const started = this.request({ v: PROTOCOL_VERSION, method: 'run', options: this.outputFd ? { ...options, output: 'fd' } : options }, bytes, (r) => {
          const result = RunResult.parse(r);
          if (result.output === 'fd') this.receivePipe(run, id, result.pipeBytes!);
        });
        this.runs.set(id, run);
        this.updateRef();
        return started.then((r) => run.started(id, RunResult.parse(r).pid));
      })
      .catch((e: Error) => {
        for (const [id, r] of this.runs) if (r === run) this.runs.delete(id);
        run.end({ code: null, signal: null, error: e.message });
        this.updateRef();
      });
    return run;
  }

  /**
   * The helper sent run `id`'s stdout pipe on our socket before its reply, so it is waiting
   * there. A missing or mislabelled descriptor is a broken helper: its run is killed.
   */
  private receivePipe(run: HelperRun, id: number, pipeBytes: number): void {
    let got: { fd: number; tag: number };
    try {
      got = this.native!.recvFd(this.fdSocket!);
    } catch (e) {
      this.signal(id, 'KILL');
      throw new HelperError(`the helper said it sent bpftrace's output pipe, but none arrived (${(e as Error).message})`, 'malformed');
    }
    if (got.tag !== id) {
      fs.closeSync(got.fd);
      this.signal(id, 'KILL');
      throw new HelperError(`the helper sent the output pipe of run ${got.tag} for run ${id}`, 'malformed');
    }
    run.attachPipe(got.fd, pipeBytes);
  }

  /** A session spawner that runs bpftrace through this helper. */
  spawner(): BpftraceSpawner {
    return (req) => {
      if (req.command !== undefined) throw new Error(COMMAND_THROUGH_HELPER);
      return this.run(req.script, {
        format: 'json',
        args: [...req.args],
        mapKeysMax: req.mapKeysMax,
        ...(req.pid !== undefined ? { pid: req.pid } : {}),
        // A request: only a helper started through the unsafe polkit action honours it.
        unsafe: req.unsafe,
      });
    };
  }

  /** Closes its stdin: the helper kills its bpftrace runs and exits (a root helper cannot be signalled by us). */
  close(): void {
    this.stdin.end();
  }
}

/** Why a run with -c is refused when bpftrace runs through the helper. */
export const COMMAND_THROUGH_HELPER =
  'kscope runs bpftrace through its privileged helper, which does not run -c commands: bpftrace would run the command as root. Start the program yourself and trace it with -p PID, or run kscope as root for -c.';

function parseJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}
