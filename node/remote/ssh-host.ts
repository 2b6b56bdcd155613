// One remote host over the system's ssh: start `ssh` with the bootstrap script, copy the
// bundle when the far side asks for it, then speak the contract over ssh's stdin/stdout
// (validated both ways by channelClient and the far side's dispatch). kscope never holds a
// key or asks for a password: BatchMode and the user's own ssh setup decide.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { channelClient, type KscopeClient } from '../../common/contract/index.js';
import { REMOTE_PREFIX, REMOTE_UNFIT, remoteCommand } from './bootstrap.js';
import type { Bundle } from './bundle.js';
import { LineReader, lineChannel, type LineChannel } from './line-channel.js';
import { DEFAULT_IDLE_MS } from './serve-stdio.js';
import { sshArgv, type HostTarget, type SshArgvOptions } from './ssh-target.js';

export interface ConnectOptions extends SshArgvOptions {
  bundle: Bundle;
  /** The ssh binary (default: ssh on PATH). */
  ssh?: string;
  /** The far side stops everything after this long without a message from us. */
  idleMs?: number;
  /** Start the far side with --allow-unsafe (see BootstrapParams.allowUnsafe). */
  allowUnsafe?: boolean;
  /** Connect, copy and start within this long (a large bundle on a slow link needs time). */
  handshakeMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class HostUnreachable extends Error {}

/** Why ssh failed, from its exit status and the last words on its stderr. */
export function explainSshFailure(code: number | null, signal: string | null, stderr: string): string {
  const last = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ');
  if (/Permission denied|publickey/i.test(stderr)) return `ssh refused the login (${last}); kscope never asks for passwords: load your key into ssh-agent or name it in ~/.ssh/config`;
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) return `ssh could not verify the host key (${last}); connect once with ssh yourself to accept it`;
  if (/Broken pipe|Connection reset|Timeout, server .* not responding|connection .* closed|Connection to .* closed/i.test(stderr)) return `the connection was lost (${last || 'ssh ended'})`;
  if (code === 255) return last ? `cannot reach the host: ${last}` : 'cannot reach the host (ssh exited with 255)';
  if (code === 127) return `the far side could not start its shell or a command: ${last}`;
  return last || `ssh ended (${signal ?? `exit ${code}`})`;
}

export class RemoteHost {
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | null = null;
  private pinger: NodeJS.Timeout | null = null;
  readonly client: KscopeClient;
  private readonly exited: Promise<void>;

  private constructor(
    readonly target: HostTarget,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly channel: LineChannel,
    stderr: () => string,
    exited: Promise<{ code: number | null; signal: string | null }>,
    idleMs: number,
  ) {
    this.client = channelClient(channel);
    this.exited = exited.then(() => undefined);
    const end = (why: string) => {
      if (this.closedReason !== null) return;
      if (this.pinger) clearInterval(this.pinger);
      this.closedReason = why;
      for (const l of this.closeListeners) l(why);
    };
    channel.onClose(() => void exited.then(({ code, signal }) => end(explainSshFailure(code, signal, stderr()))));
    // Keep the far side's idle timer from firing while we are here (see serve-stdio.ts).
    if (idleMs > 0) this.pinger = setInterval(() => void this.client.sessions().catch(() => {}), Math.max(50, Math.floor(idleMs / 4)));
  }

  static connect(target: HostTarget, o: ConnectOptions): Promise<RemoteHost> {
    const idleMs = o.idleMs ?? DEFAULT_IDLE_MS;
    const args = sshArgv(target, o, remoteCommand({ sha256: o.bundle.sha256, bytes: o.bundle.tar.length, idleMs, allowUnsafe: o.allowUnsafe === true }));
    const child = spawn(o.ssh ?? 'ssh', args, { stdio: ['pipe', 'pipe', 'pipe'], env: o.env ?? process.env });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      // The far side's engine logs here too; keep the tail (it explains a failure).
      stderr = (stderr + s).slice(-8192);
    });
    // ssh's stdin may close under us when the far side exits early; the exit says why.
    child.stdin.on('error', () => {});
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.on('error', () => resolve({ code: null, signal: null }));
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    const reader = new LineReader(child.stdout);
    return new Promise<RemoteHost>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => give(new HostUnreachable(`no answer within ${(o.handshakeMs ?? 120_000) / 1000} s`)), o.handshakeMs ?? 120_000);
      const give = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGTERM');
        reject(e);
      };
      child.on('error', (e) => give(new HostUnreachable(`cannot start ssh: ${e.message}`)));
      void exited.then(({ code, signal }) => {
        if (code === REMOTE_UNFIT) return; // the script said why (below)
        give(new HostUnreachable(explainSshFailure(code, signal, stderr)));
      });
      reader.onLine((line) => {
        if (settled || !line.startsWith(REMOTE_PREFIX)) return; // a login banner on stdout, ignored
        const word = line.slice(REMOTE_PREFIX.length);
        if (word === 'need-bundle') child.stdin.write(o.bundle.tar);
        else if (word.startsWith('error ')) give(new HostUnreachable(word.slice(6)));
        else if (word === 'ready') {
          settled = true;
          clearTimeout(timer);
          // From here on every line is a contract message.
          const channel = lineChannel(reader, child.stdin);
          resolve(new RemoteHost(target, child, channel, () => stderr, exited, idleMs));
        }
      });
    });
  }

  get closed(): string | null {
    return this.closedReason;
  }

  onClose(l: (reason: string) => void): () => void {
    if (this.closedReason !== null) queueMicrotask(() => l(this.closedReason!));
    this.closeListeners.add(l);
    return () => this.closeListeners.delete(l);
  }

  /**
   * End our side (the far side stops its runs on EOF and exits, then ssh exits); ssh is
   * terminated if it has not gone within `graceMs`.
   */
  async close(graceMs = 15_000): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    this.channel.close('closed by kscope');
    const t = setTimeout(() => this.child.kill('SIGTERM'), graceMs);
    await this.exited;
    clearTimeout(t);
  }

  /** Kill ssh at once (the far side then sees EOF and stops its runs itself). */
  kill(): void {
    this.child.kill('SIGKILL');
  }
}
