// Writing a path a user named (export/diff/import --output): a regular file (or a new one) is
// written beside it and renamed over it, so a reader sees the old or the new bytes, never half;
// a device, FIFO, socket or symlink is opened and written in place, and `-` is our stdout.
// The decision is write-mode.ts; this is the fs shell. Before the rename the target is looked
// at again: if it stopped being a regular file meanwhile, nothing is renamed over it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chooseWriteMode, factsOf, type WriteMode } from './write-mode.js';

export class OutputError extends Error {}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}
function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

export function writeModeFor(name: string): WriteMode {
  const byName = chooseWriteMode(name, { kind: 'missing' });
  if (byName.mode === 'stdout' || byName.mode === 'stderr' || byName.mode === 'refuse') return byName;
  const l = lstatOrNull(name);
  return chooseWriteMode(name, factsOf(l, l?.isSymbolicLink() ? statOrNull(name) : null));
}

interface AtomicPlan {
  tmp: string;
  mode: number;
  /** The file replaced exists: its mode is copied exactly (umask does not apply to it). */
  keepMode: boolean;
}

/** Where the temporary file goes and which mode it gets (the replaced file's, else `mode`). */
function planAtomic(name: string, mode: number): AtomicPlan {
  const dir = path.dirname(name);
  const d = statOrNull(dir);
  if (!d) throw new OutputError(`cannot write ${name}: the folder ${dir} does not exist`);
  if (!d.isDirectory()) throw new OutputError(`cannot write ${name}: ${dir} is not a folder`);
  const old = statOrNull(name);
  return { tmp: path.join(dir, `.${path.basename(name)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`), mode: old ? old.mode & 0o777 : mode, keepMode: old !== null };
}

/** Rename only if the target is still a regular file or absent (a device may have appeared). */
function checkStillReplaceable(name: string): void {
  const l = lstatOrNull(name);
  if (l && !l.isFile()) throw new OutputError(`cannot write ${name}: it changed into something that is not a regular file while being written; left it alone`);
}

export interface OpenedOutput {
  readonly mode: WriteMode['mode'];
  readonly stream: NodeJS.WritableStream;
  /** Finish: flush, sync and (atomic) rename into place. */
  commit(): Promise<void>;
  /** Give up: nothing replaces the target (atomic), the partial file is removed. */
  abort(): Promise<void>;
}

function ended(stream: fs.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/**
 * Open `name` for writing as write-mode.ts says. `stdout` is used for `-`; it is never ended.
 * New regular files get `mode` (before umask); a replaced one keeps its own mode.
 */
export async function openOutput(name: string, opts: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream; mode?: number } = {}): Promise<OpenedOutput> {
  const wm = writeModeFor(name);
  if (wm.mode === 'refuse') throw new OutputError(`cannot write ${name}: ${wm.reason}`);
  if (wm.mode === 'stdout' || wm.mode === 'stderr') {
    const out = wm.mode === 'stdout' ? (opts.stdout ?? process.stdout) : (opts.stderr ?? process.stderr);
    return {
      mode: wm.mode,
      stream: out,
      commit: () => new Promise<void>((resolve, reject) => out.write('', (e?: Error | null) => (e ? reject(e) : resolve()))),
      abort: async () => {},
    };
  }
  if (wm.mode === 'in-place') {
    // Opened asynchronously: a FIFO's open waits for its reader without blocking the loop.
    const stream = fs.createWriteStream(name, { flags: 'w', mode: opts.mode ?? 0o644 });
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    return {
      mode: 'in-place',
      stream,
      commit: () =>
        new Promise<void>((resolve, reject) => {
          stream.once('error', reject);
          stream.once('close', () => resolve());
          stream.end();
        }),
      abort: async () => {
        stream.destroy();
      },
    };
  }
  const atomic = openAtomic(name, opts.mode ?? 0o644);
  const stream = fs.createWriteStream('', { fd: atomic.fd, autoClose: false });
  return {
    mode: 'atomic',
    stream,
    commit: async () => {
      try {
        await ended(stream);
      } catch (e) {
        atomic.abort();
        throw e;
      }
      atomic.commit();
    },
    abort: async () => {
      if (!stream.writableFinished && !stream.destroyed) {
        // destroy() closes the fd itself (even with autoClose: false): wait for it.
        await new Promise<void>((resolve) => {
          stream.on('error', () => {});
          stream.once('close', () => resolve());
          stream.destroy();
        });
        atomic.closedElsewhere();
      }
      atomic.abort();
    },
  };
}

/**
 * A regular file replaced atomically: written as a temp file beside it, then synced, given
 * the old file's mode and renamed over it, unless it stopped being a regular file meanwhile.
 * Shared by openOutput (a stream over the fd) and openOutputSync (the fd itself).
 */
function openAtomic(name: string, mode: number): { fd: number; commit(): void; abort(): void; closedElsewhere(): void } {
  const plan = planAtomic(name, mode);
  const fd = fs.openSync(plan.tmp, 'wx', plan.mode);
  let open = true;
  const close = () => {
    if (open) fs.closeSync(fd);
    open = false;
  };
  const abort = () => {
    try {
      close();
    } catch {
      // already closed
    }
    fs.rmSync(plan.tmp, { force: true });
  };
  return {
    fd,
    commit: () => {
      try {
        fs.fsyncSync(fd);
        if (plan.keepMode) fs.fchmodSync(fd, plan.mode);
        close();
        checkStillReplaceable(name);
        fs.renameSync(plan.tmp, name);
      } catch (e) {
        abort();
        throw e;
      }
    },
    abort,
    closedElsewhere: () => {
      open = false;
    },
  };
}

/** The synchronous form, for writers that work on an fd (a recording written by import). */
export interface OpenedOutputSync {
  readonly mode: WriteMode['mode'];
  readonly fd: number;
  commit(): void;
  abort(): void;
}

export function openOutputSync(name: string, opts: { mode?: number } = {}): OpenedOutputSync {
  const wm = writeModeFor(name);
  if (wm.mode === 'refuse') throw new OutputError(`cannot write ${name}: ${wm.reason}`);
  if (wm.mode === 'stdout') return { mode: 'stdout', fd: 1, commit: () => {}, abort: () => {} };
  if (wm.mode === 'stderr') return { mode: 'stderr', fd: 2, commit: () => {}, abort: () => {} };
  if (wm.mode === 'in-place') {
    const fd = fs.openSync(name, 'w', opts.mode ?? 0o644);
    let open = true;
    const close = () => {
      if (open) fs.closeSync(fd);
      open = false;
    };
    return { mode: 'in-place', fd, commit: close, abort: () => { try { close(); } catch { /* already gone */ } } };
  }
  const atomic = openAtomic(name, opts.mode ?? 0o644);
  return { mode: 'atomic', fd: atomic.fd, commit: atomic.commit, abort: atomic.abort };
}
