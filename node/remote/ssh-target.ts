// Host specs as a user writes them (`root@10.0.0.5:2222`, `ssh://me@box`, `[::1]:22`, or a
// `Host` alias from ~/.ssh/config) and the system ssh's argv for them. Pure. Nothing a spec
// holds can become an ssh option: a host or user may not start with '-' (ssh would read
// `-oProxyCommand=...` as an option), so such specs are refused.
export interface HostTarget {
  /** As the user wrote it: the host's name in recordings and views. */
  spec: string;
  user: string | null;
  host: string;
  port: number | null;
}

const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,252})|\[[0-9A-Fa-f:.%a-z]{2,60}\])$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

export class BadHostSpec extends Error {}

export function parseHostSpec(spec: string): HostTarget {
  const s = spec.trim().replace(/^ssh:\/\//, '').replace(/\/$/, '');
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) throw new BadHostSpec(`not a host: '${spec}' (write HOST, USER@HOST or USER@HOST:PORT)`);
  const [, user, host, port] = m;
  if (user !== undefined && !USER.test(user)) throw new BadHostSpec(`bad user name in '${spec}'`);
  if (!HOST.test(host)) throw new BadHostSpec(`bad host name in '${spec}'`);
  const p = port === undefined ? null : Number(port);
  if (p !== null && (p < 1 || p > 65535)) throw new BadHostSpec(`bad port in '${spec}'`);
  return { spec: spec.trim(), user: user ?? null, host: host.startsWith('[') ? host.slice(1, -1) : host, port: p };
}

export interface SshArgvOptions {
  /** ssh -F: a config file instead of ~/.ssh/config (tests; a fleet's own config). */
  configFile?: string;
  /** More `-o Key=Value` options, passed as they are. */
  options?: string[];
  connectTimeoutSec?: number;
  /** ServerAliveInterval: how soon ssh notices a dead link (times ServerAliveCountMax=3). */
  aliveIntervalSec?: number;
}

/**
 * BatchMode=yes: ssh never prompts (no password, no passphrase, no unknown-host question);
 * the user's agent, keys, config, jump hosts and known_hosts apply as always.
 */
export function sshArgv(t: HostTarget, o: SshArgvOptions, remoteCommand: string): string[] {
  const args: string[] = [];
  if (o.configFile) args.push('-F', o.configFile);
  args.push('-o', 'BatchMode=yes', '-o', `ConnectTimeout=${o.connectTimeoutSec ?? 10}`, '-o', `ServerAliveInterval=${o.aliveIntervalSec ?? 5}`, '-o', 'ServerAliveCountMax=3');
  for (const opt of o.options ?? []) args.push('-o', opt);
  // -T: no terminal (binary-clean stdio); -x -a: no X11 or agent forwarding to the far side.
  args.push('-T', '-x', '-a');
  if (t.port !== null) args.push('-p', String(t.port));
  if (t.user !== null) args.push('-l', t.user);
  args.push(t.host, remoteCommand);
  return args;
}

/** A file-name-safe form of a host spec. */
export function hostSlug(spec: string): string {
  return spec.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80) || 'host';
}

/** `Host` names from an ssh config text (patterns with * ? ! are not hosts one can pick). */
export function sshConfigHosts(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*Host\s+(.+?)\s*$/i.exec(line);
    if (!m) continue;
    for (const name of m[1].split(/\s+/)) if (!/[*?!]/.test(name) && !out.includes(name)) out.push(name);
  }
  return out;
}
