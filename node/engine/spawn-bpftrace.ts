// Starting bpftrace for a session: directly (the app is root), or through the privileged
// helper (node/privileged/client.ts). Both give the session the same small child interface.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { bpftraceArgv } from '../../common/bpftrace/argv.js';
import { loadNative } from '../native.js';
import { spawnWithOutputPipe, type PipeMaker, type PipedChild } from './output-pipe.js';

/** Longest script passed with -e (Linux limits one argument to 128 KiB); longer ones go through a file. */
export const MAX_INLINE_SCRIPT = 100_000;

export type BpftraceSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL' | 'SIGUSR1';

/** What a session needs of a running bpftrace (a ChildProcess has it; so does a helper run). */
export interface BpftraceChild {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  kill(signal: BpftraceSignal): boolean;
  on(event: 'error', listener: (e: Error) => void): this;
  /** After stdout and stderr have ended. */
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

export interface BpftraceSpawnRequest {
  script: string;
  unsafe: boolean;
  args: readonly string[];
  mapKeysMax?: number;
  pid?: number;
  command?: string;
}

export type BpftraceSpawner = (req: BpftraceSpawnRequest) => BpftraceChild;

/** The addon's pipe() when it is built (and new enough), else null: stdout stays Node's socketpair. */
export function defaultPipeMaker(): PipeMaker | null {
  try {
    const n = loadNative() as unknown as Partial<PipeMaker>;
    return typeof n.pipe === 'function' ? (n as PipeMaker) : null;
  } catch {
    return null;
  }
}

/**
 * The app is root: spawn bpftrace itself. setpriv (util-linux, Essential on Debian) gives it
 * a parent-death signal across its exec, so it dies with us even when we are SIGKILLed.
 */
export function directSpawner(bin: { bpftrace: string; setpriv: string | null; env?: NodeJS.ProcessEnv; pipes?: PipeMaker | null }): BpftraceSpawner {
  return (req) => {
    let tmpDir: string | null = null;
    let script: { file: string } | { inline: string } = { inline: req.script };
    if (req.script.length > MAX_INLINE_SCRIPT) {
      tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-'));
      const file = path.join(tmpDir, 'script.bt');
      fs.writeFileSync(file, req.script, { mode: 0o600 });
      script = { file };
    }
    const args = bpftraceArgv({ format: 'json', unsafe: req.unsafe, args: req.args, pid: req.pid, command: req.command }, script);
    const [cmd, argv] = bin.setpriv ? [bin.setpriv, ['--pdeathsig', 'KILL', '--', bin.bpftrace, ...args]] : [bin.bpftrace, args];
    const env = { ...(bin.env ?? process.env), BPFTRACE_COLOR: 'never', ...(req.mapKeysMax ? { BPFTRACE_MAP_KEYS_MAX: String(req.mapKeysMax) } : {}) };
    let child: PipedChild;
    try {
      child = spawnWithOutputPipe(cmd, argv, { env }, bin.pipes === undefined ? defaultPipeMaker() : bin.pipes);
    } catch (e) {
      if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
      throw e;
    }
    if (tmpDir) {
      const dir = tmpDir;
      child.on('close', () => fs.rmSync(dir, { recursive: true, force: true }));
    }
    return child as unknown as BpftraceChild;
  };
}
