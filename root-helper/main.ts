// kscope's privileged helper (bundled to dist/electron/helper.cjs): started by the app
// through pkexec or sudo -n (or directly when the app is root), it runs bpftrace and
// nothing else, speaking protocol.ts (hello, run, signal) on stdin/stdout. It dies with its
// parent: an exit on stdin's end (the app's pipe closes even when it is SIGKILLed), an exit
// when the parent is already gone at start, and, when the native addon is there, a
// parent-death signal (prctl) too. The addon is optional: each bpftrace it starts gets its
// own parent-death signal from `setpriv --pdeathsig KILL` (util-linux), so killing the app
// with SIGKILL takes the helper and every probe with it either way.
//
// Usage: helper.cjs --parent-pid PID   (PID: the app; it may also be the grandparent, for sudo)
// KSCOPE_HELPER_ACTION=unsafe (set only by the root-owned kscope-helper-unsafe wrapper that
// polkit's org.kscope.run-bpftrace-unsafe action runs, never passed through from the caller):
// one run, which may use --unsafe.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { bpftraceVersion } from '../node/engine/bpftrace-binary.js';
import { spawnWithOutputPipe } from '../node/engine/output-pipe.js';
import { loadNative, type NativeAddon } from '../node/native.js';
import { Dispatcher, SCRIPT_FILE, type RunHandle, type RunSink, type RunSpawnSpec } from './dispatch.js';
import { FrameReader, Kind, MAX_REQUEST_FRAME, encodeJsonFrame } from './protocol.js';
import { findTrustedBinary } from './trusted-binary.js';

declare const __dirname: string;

const EXIT_PARENT_GONE = 4;
const EXIT_USAGE = 2;

function die(code: number, message: string): never {
  process.stderr.write(`kscope-helper: ${message}\n`);
  process.exit(code);
}

/** Only next to this bundle (never the caller's cwd): packaged resources/native, or the source tree's build. */
function addonPaths(): string[] {
  return [path.join(__dirname, '..', 'native', 'kscope_native.node'), path.join(__dirname, '..', '..', 'native', 'build', 'Release', 'kscope_native.node')];
}

function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function ancestorPids(native: NativeAddon | null): number[] {
  // getppid() through the addon, else through /proc (the same answer, one read later).
  const ppid = native ? native.parentPid() : (parentOf(process.pid) ?? process.ppid);
  const out = [ppid];
  try {
    // sudo sits between the app and us: the app is then our grandparent.
    const stat = fs.readFileSync(`/proc/${ppid}/stat`, 'utf8');
    out.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  } catch {
    /* parent already gone */
  }
  return out;
}

/** Our script directories are TMP_PREFIX<helper pid>-XXXXXX. */
const TMP_PREFIX = '/tmp/kscope-helper-';

/** A helper killed with SIGKILL (its app was) could not remove its script directory: do it for it. */
function sweepStaleDirs(): void {
  let names: string[];
  try {
    names = fs.readdirSync('/tmp').filter((n) => n.startsWith('kscope-helper-'));
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(/^kscope-helper-(\d+)-/.exec(n)?.[1]);
    if (!pid || fs.existsSync(`/proc/${pid}`)) continue;
    try {
      if (fs.lstatSync(`/tmp/${n}`).uid === process.getuid?.()) fs.rmSync(`/tmp/${n}`, { recursive: true, force: true });
    } catch {
      /* gone meanwhile */
    }
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.length !== 2 || argv[0] !== '--parent-pid' || !/^[1-9]\d{0,9}$/.test(argv[1])) die(EXIT_USAGE, 'usage: helper --parent-pid PID');
  const expectedParent = Number(argv[1]);
  let native: NativeAddon | null = null;
  try {
    native = loadNative(addonPaths());
    native.setParentDeathSignal(9); // SIGKILL when the parent dies, from now on
  } catch {
    // No addon: stdin's end is how we learn the app died; bpftrace has setpriv's pdeathsig.
    native = null;
  }
  // The parent may have died before that line: then we were re-parented and must not run.
  if (!ancestorPids(native).includes(expectedParent)) die(EXIT_PARENT_GONE, `parent ${expectedParent} is gone`);

  sweepStaleDirs();
  const bpftrace = findTrustedBinary('bpftrace');
  const setpriv = findTrustedBinary('setpriv');
  let bpftraceInfo: { path: string; version: string } | null | undefined;
  const bpftraceFound = () => {
    if (bpftraceInfo === undefined) {
      const v = bpftrace ? bpftraceVersion(bpftrace) : null;
      bpftraceInfo = bpftrace && v ? { path: bpftrace, version: v } : null;
    }
    return bpftraceInfo;
  };

  // Asynchronous writes (process.stdout is synchronous on a pipe): a slow reader must not
  // stop us from reading requests; instead bpftrace's output is paused until it drains.
  const out = new net.Socket({ fd: 1, readable: false, writable: true });
  const outputs = new Set<NodeJS.ReadableStream>();
  let blocked = false;
  const send = (frame: Buffer) => {
    if (!out.write(frame) && !blocked) {
      blocked = true;
      for (const s of outputs) s.pause();
    }
  };
  out.on('drain', () => {
    blocked = false;
    for (const s of outputs) s.resume();
  });

  const spawnRun = (spec: RunSpawnSpec, sink: RunSink): RunHandle => {
    if (!setpriv) throw new Error('setpriv (util-linux) was not found in a system directory; it gives bpftrace its parent-death signal');
    // A fresh 0700 directory in sticky /tmp (never $TMPDIR, which the caller may own).
    const dir = fs.mkdtempSync(`${TMP_PREFIX}${process.pid}-`);
    const file = path.join(dir, 'script.bt');
    fs.writeFileSync(file, spec.script, { mode: 0o600, flag: 'wx' });
    const args = spec.argv.map((a) => (a === SCRIPT_FILE ? file : a));
    // stdout is a large pipe (engine/output-pipe.ts): bpftrace never waits on our event loop.
    // The addon is optional here (the helper starts without it): then Node's socketpair.
    const pipes = native && typeof (native as Partial<NativeAddon>).pipe === 'function' ? native : null;
    let child: ReturnType<typeof spawnWithOutputPipe>;
    // Output by descriptor: the pipe's read end goes to the engine over stdin (a unix socket),
    // tagged with the run id, before the reply; we never see bpftrace's stdout. If sending
    // fails we relay it as before (the reply then says so).
    let givenPipeBytes: number | undefined;
    const giveAway =
      spec.outputFd && canPassFd && native
        ? (fd: number, size: number) => {
            try {
              native!.sendFd(0, fd, spec.outputFd!.tag);
              givenPipeBytes = size;
              return true;
            } catch {
              return false;
            }
          }
        : undefined;
    try {
      child = spawnWithOutputPipe(setpriv, ['--pdeathsig', 'KILL', '--', bpftrace!, ...args], { env: spec.env, cwd: '/' }, pipes, giveAway);
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    let ended = false;
    const end = (info: { code: number | null; signal: string | null; error?: string }) => {
      if (ended) return;
      ended = true;
      outputs.delete(child.stdout);
      outputs.delete(child.stderr);
      fs.rmSync(dir, { recursive: true, force: true });
      sink.exit(info);
    };
    child.stdout.on('data', (b: Buffer) => sink.stdout(b));
    child.stderr.on('data', (b: Buffer) => sink.stderr(b));
    outputs.add(child.stdout);
    outputs.add(child.stderr);
    if (blocked) {
      child.stdout.pause();
      child.stderr.pause();
    }
    child.on('error', (e) => end({ code: null, signal: null, error: e.message }));
    child.on('close', (code, signal) => end({ code, signal }));
    if (child.pid === undefined) throw new Error('spawn failed');
    return {
      pid: child.pid,
      kill: (sig) => child.exitCode === null && child.signalCode === null && child.kill(`SIG${sig}` as NodeJS.Signals),
      ...(givenPipeBytes !== undefined ? { outputPipeBytes: givenPipeBytes } : {}),
    };
  };

  // Our stdin is a unix socket when the engine made it one (node/privileged/client.ts): then
  // a run's stdout pipe can be handed over instead of relayed byte by byte.
  let canPassFd = false;
  try {
    canPassFd = native !== null && typeof native.sendFd === 'function' && native.isUnixSocket(0);
  } catch {
    canPassFd = false;
  }

  const dispatcher = new Dispatcher({
    outputFd: canPassFd,
    bpftrace: bpftraceFound,
    spawnRun,
    identity: () => ({ pid: process.pid, uid: process.getuid?.() ?? -1, parentDeathSignal: native ? native.getParentDeathSignal() : 0 }),
    unsafeAllowed: process.env.KSCOPE_HELPER_ACTION === 'unsafe',
    send,
  });

  const leave = (code: number) => {
    dispatcher.killAll();
    process.exit(code);
  };
  const reader = new FrameReader(MAX_REQUEST_FRAME);
  process.stdin.on('data', (b: Buffer) => {
    for (const ev of reader.push(b)) dispatcher.handle(ev);
  });
  // The engine closed our stdin (it exited, or was killed and its pipe closed): stop everything.
  process.stdin.on('end', () => {
    if (reader.pendingBytes() > 0) out.write(encodeJsonFrame(Kind.reply, 0, { ok: false, error: { code: 'malformed', message: `truncated frame: input ended ${reader.pendingBytes()} bytes into it` } }));
    out.end(() => leave(0));
    setTimeout(() => leave(0), 200).unref();
  });
  out.on('error', () => leave(0)); // EPIPE: nobody reads us any more
  // A terminal's Ctrl-C reaches our process group: bpftrace gets it too and prints its maps; we stay to relay them.
  process.on('SIGINT', () => {});
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, () => leave(0));
}

main();
