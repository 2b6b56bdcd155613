// Test support for the runtime tier: real OpenSSH servers on throw-away keys, never the
// system's sshd, /etc/ssh or anyone's ~/.ssh. Each sshd runs in a private mount namespace
// (a tmpfs over /run gives it the /run/sshd it insists on without touching the real /run),
// either on loopback or inside a network namespace of its own, joined to a "client"
// namespace by a veth pair. Addresses exist only inside those namespaces; the namespaces
// die with their processes. Root only.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { findOnPath } from '../../node/engine/bpftrace-binary.js';

export const SSHD = '/usr/sbin/sshd';

/** Why the lab cannot run here, or null. */
export function labUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root (sshd in namespaces and bpftrace need root)';
  if (!fs.existsSync(SSHD)) return `${SSHD} is missing (bash scripts/setup.sh --tests installs openssh-server)`;
  for (const b of ['ssh', 'ssh-keygen', 'unshare', 'nsenter', 'ip']) if (!findOnPath(b)) return `${b} is missing (bash scripts/setup.sh --tests installs openssh-client, iproute2, util-linux)`;
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface SshdHost {
  name: string;
  pid: number;
  /** What `kscope record --host` is given. */
  spec: string;
  dir: string;
  stop(): Promise<void>;
}

export class SshLab {
  readonly clientConfig: string;
  private readonly procs: ChildProcess[] = [];
  private readonly hostPub: string;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = (f: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kscope-test', '-f', path.join(dir, f)]);
    key('host_key');
    key('client_key');
    fs.copyFileSync(path.join(dir, 'client_key.pub'), path.join(dir, 'authorized_keys'));
    this.hostPub = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    // Every test host shares the one throw-away host key; known only to this config.
    fs.writeFileSync(path.join(dir, 'known_hosts'), `* ${this.hostPub}\n`);
    this.clientConfig = path.join(dir, 'ssh_config');
    fs.writeFileSync(
      this.clientConfig,
      [
        'Host *',
        `  IdentityFile ${path.join(dir, 'client_key')}`,
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        `  UserKnownHostsFile ${path.join(dir, 'known_hosts')}`,
        `  GlobalKnownHostsFile ${path.join(dir, 'known_hosts')}`,
        '  StrictHostKeyChecking yes',
        '  UpdateHostKeys no',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
  }

  private sshdConfig(name: string, port: number, listen: string, env: Record<string, string>): string {
    const hostDir = path.join(this.dir, name);
    fs.mkdirSync(path.join(hostDir, 'cache'), { recursive: true });
    fs.mkdirSync(path.join(hostDir, 'data'), { recursive: true });
    const setenv = { XDG_CACHE_HOME: path.join(hostDir, 'cache'), XDG_DATA_HOME: path.join(hostDir, 'data'), ...env };
    const file = path.join(hostDir, 'sshd_config');
    fs.writeFileSync(
      file,
      [
        `Port ${port}`,
        `ListenAddress ${listen}`,
        `HostKey ${path.join(this.dir, 'host_key')}`,
        `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
        'PidFile none',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'AllowTcpForwarding no',
        'X11Forwarding no',
        'LogLevel ERROR',
        // A session whose client vanished (a cut link) ends within seconds.
        'ClientAliveInterval 2',
        'ClientAliveCountMax 3',
        `SetEnv ${Object.entries(setenv).map(([k, v]) => `${k}=${v}`).join(' ')}`,
        '',
      ].join('\n'),
    );
    return file;
  }

  /** sshd on 127.0.0.1:PORT (the host's own network, loopback only). */
  async loopbackHost(name: string, env: Record<string, string> = {}): Promise<SshdHost> {
    const port = await freePort();
    const cfg = this.sshdConfig(name, port, '127.0.0.1', env);
    const p = this.sshd(['--mount', '--propagation', 'private'], cfg);
    await waitForPort('127.0.0.1', port, p);
    return this.host(name, p, `root@127.0.0.1:${port}`);
  }

  /** A namespace standing for the client's network: hosts get a veth into it. */
  async clientNamespace(): Promise<number> {
    const p = spawn('unshare', ['--net', '--', 'sleep', '3600'], { stdio: 'ignore' });
    this.procs.push(p);
    const pid = p.pid!;
    await ownNamespace(pid, 'net');
    execFileSync('nsenter', ['-t', String(pid), '-n', 'ip', 'link', 'set', 'lo', 'up']);
    return pid;
  }

  /** sshd in a network namespace of its own at 10.215.N.2, linked to the client namespace's 10.215.N.1. */
  async namespaceHost(name: string, n: number, clientPid: number, env: Record<string, string> = {}): Promise<SshdHost & { cut(): void; veth: string }> {
    const cfg = this.sshdConfig(name, 22, '0.0.0.0', env);
    const p = this.sshd(['--net', '--mount', '--propagation', 'private'], cfg);
    const pid = p.pid!;
    // Until unshare has run, the PID is still in our namespace: a veth end moved there would land in the real one.
    await ownNamespace(pid, 'net');
    const [c, h] = [`ks15c${n}-${pid % 10000}`, `ks15h${n}-${pid % 10000}`];
    execFileSync('ip', ['link', 'add', c, 'netns', String(clientPid), 'type', 'veth', 'peer', 'name', h, 'netns', String(pid)]);
    const inNs = (target: number, ...args: string[]) => execFileSync('nsenter', ['-t', String(target), '-n', 'ip', ...args]);
    inNs(clientPid, 'addr', 'add', `10.215.${n}.1/24`, 'dev', c);
    inNs(clientPid, 'link', 'set', c, 'up');
    inNs(pid, 'link', 'set', 'lo', 'up');
    inNs(pid, 'addr', 'add', `10.215.${n}.2/24`, 'dev', h);
    inNs(pid, 'link', 'set', h, 'up');
    await waitForPortIn(clientPid, `10.215.${n}.2`, 22, p);
    return { ...this.host(name, p, `root@10.215.${n}.2`), veth: h, cut: () => inNs(pid, 'link', 'set', h, 'down') };
  }

  private sshd(unshareArgs: string[], cfg: string): ChildProcess {
    const script = 'mount -t tmpfs -o mode=755 kscope-test-run /run && mkdir -m 755 /run/sshd && exec "$0" -D -e -f "$1"';
    const p = spawn('unshare', [...unshareArgs, '--', '/bin/sh', '-c', script, SSHD, cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.setEncoding('utf8');
    p.stderr!.on('data', (s: string) => (err = (err + s).slice(-4000)));
    (p as ChildProcess & { errText(): string }).errText = () => err;
    this.procs.push(p);
    return p;
  }

  /** Mount namespaces of our sshds (each has its own), read once they listen. */
  private readonly namespaces = new Set<string>();

  private host(name: string, p: ChildProcess, spec: string): SshdHost {
    const ns = fs.readlinkSync(`/proc/${p.pid}/ns/mnt`);
    // Never mistake our own namespace for the host's (we would kill everything in it).
    if (ns !== fs.readlinkSync('/proc/self/ns/mnt')) this.namespaces.add(ns);
    return {
      name,
      pid: p.pid!,
      spec,
      dir: path.join(this.dir, name),
      stop: () => stopProc(p),
    };
  }

  /** Stop every sshd and everything its sessions started (found by its private mount namespace). */
  async close(): Promise<void> {
    await Promise.all(this.procs.map(stopProc));
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (this.namespaces.has(fs.readlinkSync(`/proc/${d}/ns/mnt`))) process.kill(Number(d), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

/** Resolves once `pid` is in a `kind` namespace of its own (not ours). */
async function ownNamespace(pid: number, kind: 'net' | 'mnt'): Promise<void> {
  const ours = fs.readlinkSync(`/proc/self/ns/${kind}`);
  for (let i = 0; i < 200; i++) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/ns/${kind}`) !== ours) return;
    } catch {
      throw new Error(`process ${pid} is gone before it had its own ${kind} namespace`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`process ${pid} never got its own ${kind} namespace`);
}

function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // 'exit', not 'close': a session's processes may hold its stderr open.
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 3000).unref();
  });
}

async function waitForPort(host: string, port: number, p: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (p.exitCode !== null) throw new Error(`sshd exited: ${(p as ChildProcess & { errText(): string }).errText()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${host}:${port}`);
}

async function waitForPortIn(nsPid: number, host: string, port: number, p: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (p.exitCode !== null) throw new Error(`sshd exited: ${(p as ChildProcess & { errText(): string }).errText()}`);
    // bash's /dev/tcp opens a TCP connection (no file is written).
    try {
      execFileSync('nsenter', ['-t', String(nsPid), '-n', 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`], { stdio: 'ignore', timeout: 2000 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`sshd did not listen on ${host}:${port} in namespace ${nsPid}`);
}

/** PIDs of live bpftrace processes whose command line holds `token` (ours only: others run bpftrace too). */
export function bpftracesWith(token: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(token) && /(^|\/)bpftrace\0/.test(cmd)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}
