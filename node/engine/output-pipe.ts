// bpftrace's stdout as a large kernel pipe, not the socketpair Node gives a child.
//
// Why: bpftrace writes one line per write(). In a socketpair every write costs a whole skb
// (~768 B of buffer for a 60 B line), so ~278 lines fill it and bpftrace blocks in
// sock_alloc_send_pskb while we are busy for a few ms — and a blocked bpftrace loses
// events. A pipe packs small writes into pages, and F_SETPIPE_SZ (the native addon) makes
// it 1 MiB here (pipe-max-size), ~16 k flood lines: hundreds of ms of slack for our event
// loop. Used by the app (directSpawner) and by the privileged helper alike.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import { Readable } from 'node:stream';

/** What we ask for; the kernel gives at most /proc/sys/fs/pipe-max-size (1 MiB by default) without CAP_SYS_RESOURCE. */
export const OUTPUT_PIPE_BYTES = 4 * 1024 * 1024;

/** The native addon's pipe(): O_CLOEXEC fds, enlarged as far as the kernel allows. */
export interface PipeMaker {
  pipe(size: number): { read: number; write: number; size: number };
}

/** A spawned child whose stdout is a pipe we read; 'close' comes after that pipe is drained and the child exited. */
export class PipedChild extends EventEmitter {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The pipe's capacity in bytes (null: the addon was missing, stdout is Node's socketpair). */
  readonly pipeBytes: number | null;

  constructor(
    private readonly child: ChildProcess,
    stdout: Readable,
    pipeBytes: number | null,
  ) {
    super();
    this.stdout = stdout;
    this.stderr = child.stderr!;
    this.pipeBytes = pipeBytes;
    child.on('error', (e) => this.emit('error', e));
    if (pipeBytes === null) {
      child.on('close', (code, signal) => this.emit('close', code, signal));
      return;
    }
    // ChildProcess's own 'close' waits for stderr only (stdout is not its stream): wait for
    // both, so the final map print bpftrace makes on SIGINT is read before 'close'.
    let open = 2;
    let result: [number | null, NodeJS.Signals | null] = [null, null];
    const done = () => {
      if (--open === 0) this.emit('close', ...result);
    };
    child.on('close', (code, signal) => {
      result = [code, signal];
      done();
    });
    let outDone = false;
    const outEnded = () => {
      if (outDone) return;
      outDone = true;
      done();
    };
    stdout.on('end', outEnded);
    stdout.on('close', outEnded);
    // A read error on our end of the pipe: count it as the end (the exit still comes).
    stdout.on('error', () => outEnded());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get exitCode(): number | null {
    return this.child.exitCode;
  }
  get signalCode(): NodeJS.Signals | null {
    return this.child.signalCode;
  }
  kill(signal: NodeJS.Signals): boolean {
    return this.child.kill(signal);
  }
}

/**
 * spawn() with stdin ignored, stderr a Node pipe, and stdout a large kernel pipe when the
 * addon can make one (else Node's socketpair, as before). Throws what spawn throws.
 */
export function spawnWithOutputPipe(
  cmd: string,
  argv: readonly string[],
  opts: Omit<SpawnOptions, 'stdio'>,
  maker: PipeMaker | null,
  /**
   * Offered the pipe's read end once the child runs (the privileged helper sends it to the
   * engine); true: it was given away (we close our copy; stdout is then an empty stream),
   * false: we read it as usual.
   */
  giveAway?: (readFd: number, pipeBytes: number) => boolean,
): PipedChild {
  let p: { read: number; write: number; size: number } | null = null;
  if (maker) {
    try {
      p = maker.pipe(OUTPUT_PIPE_BYTES);
    } catch {
      p = null; // out of fds or an old addon: fall back to the socketpair
    }
  }
  if (!p) {
    const child = spawn(cmd, argv, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    return new PipedChild(child, child.stdout!, null);
  }
  let child: ChildProcess;
  try {
    child = spawn(cmd, argv, { ...opts, stdio: ['ignore', p.write, 'pipe'] });
  } catch (e) {
    fs.closeSync(p.read);
    fs.closeSync(p.write);
    throw e;
  }
  // The child has its copy (dup2'ed to fd 1); ours must go, or the pipe never reaches EOF.
  fs.closeSync(p.write);
  if (giveAway?.(p.read, p.size)) {
    fs.closeSync(p.read);
    return new PipedChild(child, Readable.from([]), p.size);
  }
  return new PipedChild(child, pipeReadable(p.read, p.size), p.size);
}

/** Below this pipe size a read pause could fill the pipe: read continuously (as with a socketpair). */
const COALESCE_MIN_PIPE = 512 * 1024;
/**
 * After a read that emptied the pipe, how long bpftrace's writes gather there before the
 * next read. 8 ms at the fastest flood measured here (~70 k lines/s, ~4.5 MB/s) is ~36 KB,
 * 3 % of a 1 MiB pipe: bpftrace never waits, and we pay per-batch costs (a read, a decode
 * call, a recording write(), an aggregation pass) once per ~500 lines instead of once per
 * handful — the wakeup per bpftrace write() was most of the engine's CPU under a flood.
 * A late timer (a loaded machine) still has ~200 ms before the pipe fills.
 */
export const COALESCE_MS = 8;
/** One read takes up to this much (libuv's default is 64 KiB: 16 reads to empty a full pipe). */
const READ_BUFFER_BYTES = 1024 * 1024;

/**
 * A Readable over the read end of a pipe: each chunk is everything the pipe held (up to
 * 1 MiB), and after a read that emptied it, reading waits COALESCE_MS (only when the pipe
 * is large enough to hold that long). Takes ownership of `fd`. Used for bpftrace's stdout,
 * spawned here or received from the privileged helper.
 */
export function pipeReadable(fd: number, pipeBytes: number): Readable {
  const coalesceMs = pipeBytes >= COALESCE_MIN_PIPE ? COALESCE_MS : 0;
  let timer: NodeJS.Timeout | null = null;
  let wanted = true;
  let socket: net.Socket | null = null;
  const out = new Readable({
    highWaterMark: 0,
    read() {
      wanted = true;
      if (!timer) socket?.resume();
    },
    destroy(err, cb) {
      if (timer) clearTimeout(timer);
      socket?.destroy();
      cb(err);
    },
  });
  // libuv reads the FIFO non-blocking (epoll) straight into one reused buffer (onread): the
  // chunk is copied out, so the next read may overwrite it.
  socket = new net.Socket({
    fd,
    readable: true,
    writable: false,
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (n: number, buf: Uint8Array) => {
        if (n <= 0) return true;
        if (!out.push(Buffer.from(buf.subarray(0, n)))) {
          wanted = false;
          socket!.pause();
          return false;
        }
        if (coalesceMs > 0 && n < READ_BUFFER_BYTES) {
          socket!.pause();
          timer = setTimeout(() => {
            timer = null;
            if (wanted) socket!.resume();
          }, coalesceMs);
          return false;
        }
        return true;
      },
    },
  } as net.SocketConstructorOpts);
  socket.on('end', () => out.push(null));
  socket.on('error', (e) => out.destroy(e));
  return out;
}
