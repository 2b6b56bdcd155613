import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { channelClient, RunOptions, type KscopeImpl, type SessionUpdate } from '../../common/contract/index.js';
import { bootstrapScript, remoteCommand, shQuote } from './bootstrap.js';
import { LineReader, lineChannel } from './line-channel.js';
import { MultiRun, type HostConnection } from './multi-run.js';
import { readTail } from './recording-tail.js';
import { serveStdio } from './serve-stdio.js';
import { createRemoteService } from './remote-service.js';
import { capabilityDifferences, probeDifferences } from './host-capabilities.js';
import { BadHostSpec, hostSlug, parseHostSpec, sshArgv, sshConfigHosts } from './ssh-target.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-remote-'));
  dirs.push(d);
  return d;
};

describe('host specs and the ssh command line', () => {
  it('parses what users write', () => {
    expect(parseHostSpec('root@127.0.0.1:2222')).toEqual({ spec: 'root@127.0.0.1:2222', user: 'root', host: '127.0.0.1', port: 2222 });
    expect(parseHostSpec('ssh://me@box.example/')).toMatchObject({ user: 'me', host: 'box.example', port: null });
    expect(parseHostSpec('[::1]:22')).toMatchObject({ user: null, host: '::1', port: 22 });
    expect(parseHostSpec('web-3')).toMatchObject({ user: null, host: 'web-3', port: null });
  });

  it('refuses anything ssh would read as an option, or that is not a host', () => {
    for (const bad of ['-oProxyCommand=sh', 'x@-oProxyCommand=sh', '-l@h', 'a b', 'h:0', 'h:70000', 'u@', '@h', 'h;rm'])
      expect(() => parseHostSpec(bad), bad).toThrow(BadHostSpec);
  });

  it('never lets ssh prompt, and puts the destination last before the command', () => {
    const a = sshArgv(parseHostSpec('root@10.0.0.5:2222'), { configFile: '/t/cfg', aliveIntervalSec: 1 }, 'CMD');
    expect(a.slice(0, 2)).toEqual(['-F', '/t/cfg']);
    expect(a).toContain('BatchMode=yes');
    expect(a).toContain('ServerAliveInterval=1');
    expect(a.slice(-6)).toEqual(['-p', '2222', '-l', 'root', '10.0.0.5', 'CMD']);
  });

  it('reads Host entries from an ssh config, skipping patterns', () => {
    expect(sshConfigHosts('Host web1 web2\n  User x\nhost *.corp !bad db?\nHost db1\nMatch all\nHost web1\n')).toEqual(['web1', 'web2', 'db1']);
  });

  it('makes file-safe slugs', () => {
    expect(hostSlug('root@[::1]:22')).toBe('root_1_22');
    expect(hostSlug('-')).toBe('host');
  });
});

describe('the far side bootstrap', () => {
  const p = { sha256: 'a'.repeat(64), bytes: 1234, idleMs: 15000 };
  it('asks for the bundle, checks its hash and becomes serve --stdio', () => {
    const s = bootstrapScript(p);
    expect(s).toContain('head -c 1234');
    expect(s).toContain(`= ${'a'.repeat(64)} `);
    expect(s).toMatch(/exec "\$node" "\$d\/dist\/electron\/cli.cjs" serve --stdio --idle-ms 15000\n$/);
    expect(() => bootstrapScript({ ...p, sha256: "x'; rm -rf /" })).toThrow();
  });

  it('allows --unsafe runs on the far side only when the command line asked', () => {
    expect(bootstrapScript(p)).not.toContain('--allow-unsafe');
    expect(bootstrapScript({ ...p, allowUnsafe: false })).not.toContain('--allow-unsafe');
    expect(bootstrapScript({ ...p, allowUnsafe: true })).toMatch(/serve --stdio --idle-ms 15000 --allow-unsafe\n$/);
  });

  it('quotes for the remote shell: the script survives sh -c intact', async () => {
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('sh', ['-c', `printf %s ${shQuote("it's \"a\" $HOME `x`")}`], { encoding: 'utf8' })).toBe("it's \"a\" $HOME `x`");
    expect(remoteCommand(p).startsWith("exec /bin/sh -c 'set -u")).toBe(true);
  });
});

/**
 * A far side served over in-process pipes by serveStdio, whose "engine" writes a real
 * recording file as the test tells it to (no bpftrace: this is about the copying and the faults).
 */
function fakeHost(dir: string, name: string) {
  const file = path.join(dir, `${name}-remote.ndjson`);
  let state = 'running';
  const listeners = new Set<(u: SessionUpdate) => void>();
  const impl = {
    version: () => ({ kscope: '0.1.0', bpftrace: { path: '/usr/bin/bpftrace', version: '0.17.0' }, kernelRelease: `k-${name}`, node: '20', root: true }),
    sessions: () => [],
    run: () => {
      fs.writeFileSync(file, JSON.stringify({ type: 'header', format: 1, script: 's', options: {}, bpftraceVersion: '0.17.0', kernelRelease: `k-${name}`, startedAt: new Date(0).toISOString(), injected: null }) + '\n');
      return { sessionId: 'S', recordingPath: file };
    },
    stop: () => {
      fs.appendFileSync(file, '{"type":"exit","t":9,"code":0,"signal":null}\n');
      state = 'exited';
      return { stopped: true, status: { state: 'exited', startedAt: '', elapsedMs: 0, attachedProbes: 1, events: 0, printfLines: 0, lostEvents: 0, exit: null } };
    },
    recordingTail: (q: { offset: number; maxBytes: number }) => readTail(file, q.offset, q.maxBytes, state === 'exited'),
  } as unknown as KscopeImpl;
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  void serveStdio({ input: toServer, output: fromServer, impl, events: { session: (l) => (listeners.add(l), () => listeners.delete(l)) }, shutdown: async () => {}, idleMs: 0 });
  const channel = lineChannel(new LineReader(fromServer), toServer);
  const conn: HostConnection = {
    client: channelClient(channel),
    onClose: (l) => channel.onClose(l),
    close: async () => channel.close('closed'),
  };
  return {
    conn,
    file,
    print: (t: number, text: string) => fs.appendFileSync(file, JSON.stringify({ type: 'printf', t, text }) + '\n'),
    /** The link goes: the far side's output stops mid-line. */
    cut: () => {
      fs.appendFileSync(file, '{"type":"printf","t":99,"te');
      fromServer.destroy();
    },
  };
}

describe('one run on many hosts (in-process far sides)', () => {
  it('copies each host byte for byte, keeps what came before a cut, marks an unreachable host, and stops the rest', async () => {
    const dir = tmp();
    const a = fakeHost(dir, 'a');
    const b = fakeHost(dir, 'b');
    const states: string[] = [];
    const run = new MultiRun({
      targets: ['a', 'b', 'c'].map(parseHostSpec),
      source: 's',
      options: RunOptions.parse({}),
      recordingsDir: path.join(dir, 'out'),
      kscopeVersion: '0.1.0',
      pollMs: 20,
      connect: async (t) => {
        if (t.host === 'c') throw new Error('ssh: connect to host c port 22: Connection refused');
        return t.host === 'a' ? a.conn : b.conn;
      },
      onState: (h, s) => states.push(`${h}:${s}`),
    });
    await new Promise((r) => setTimeout(r, 50));
    a.print(1, 'é one\n');
    b.print(1, 'b one\n');
    await new Promise((r) => setTimeout(r, 100));
    b.cut();
    a.print(2, 'two\n');
    await new Promise((r) => setTimeout(r, 100));
    const outcomes = await run.stop();
    expect(outcomes.map((o) => [o.target, o.state])).toEqual([
      ['a', 'done'],
      ['b', 'cut'],
      ['c', 'failed'],
    ]);
    const local = (o: (typeof outcomes)[number]) => fs.readFileSync(o.recordingPath, 'utf8').split('\n');
    // a: the same bytes as the far side after the header, which gained host and run.
    expect(local(outcomes[0]).slice(1).join('\n')).toBe(fs.readFileSync(a.file, 'utf8').split('\n').slice(1).join('\n'));
    expect(JSON.parse(local(outcomes[0])[0])).toMatchObject({ kernelRelease: 'k-a', host: { target: 'a', remoteRecording: a.file }, run: { id: run.id, hosts: ['a', 'b', 'c'] } });
    // b: its printf before the cut, the torn line left out, then why.
    const bl = local(outcomes[1]).filter(Boolean).map((l) => JSON.parse(l) as { type: string; text?: string; message?: string });
    expect(bl.map((l) => l.type)).toEqual(['header', 'printf', 'error']);
    expect(bl[1].text).toBe('b one\n');
    expect(bl[2].message).toMatch(/^b: connection lost/);
    // c: a recording that says it was never reached.
    const cl = local(outcomes[2]).filter(Boolean).map((l) => JSON.parse(l) as { type: string; message?: string });
    expect(cl.map((l) => l.type)).toEqual(['header', 'error', 'exit']);
    expect(cl[1].message).toMatch(/cannot reach c: .*Connection refused/);
    expect(states).toEqual(expect.arrayContaining(['a:running', 'b:cut', 'c:failed', 'a:done']));
  });
});

describe('the app\'s remote runs (the contract methods)', () => {
  it('lists ~/.ssh/config hosts and added ones, refusing a bad spec', async () => {
    const home = tmp();
    fs.mkdirSync(path.join(home, '.ssh'));
    fs.writeFileSync(path.join(home, '.ssh', 'config'), 'Host web1 *.x\n  User me\nHost db\n');
    const svc = createRemoteService({ recordingsDir: null, kscopeVersion: '0', env: { HOME: home } });
    expect((await svc.impl.remoteHosts(undefined)).hosts).toEqual([
      { spec: 'web1', from: 'ssh-config' },
      { spec: 'db', from: 'ssh-config' },
    ]);
    await svc.impl.addRemoteHost({ spec: 'root@10.0.0.9:2222' });
    await svc.impl.addRemoteHost({ spec: 'root@10.0.0.9:2222' });
    expect((await svc.impl.remoteHosts(undefined)).hosts.map((h) => `${h.spec}/${h.from}`)).toEqual(['web1/ssh-config', 'db/ssh-config', 'root@10.0.0.9:2222/added']);
    expect(() => svc.impl.addRemoteHost({ spec: '-oProxyCommand=x' })).toThrow(/not a host|bad host/);
    expect(JSON.parse(fs.readFileSync(path.join(home, '.config', 'kscope', 'hosts.json'), 'utf8'))).toEqual(['root@10.0.0.9:2222']);
  });

  it('runs on several hosts and shows the live maps and output of each, then stops them all', async () => {
    const dir = tmp();
    const hosts = { a: fakeHost(dir, 'a'), b: fakeHost(dir, 'b') };
    const svc = createRemoteService({ recordingsDir: path.join(dir, 'out'), kscopeVersion: '0', connect: async (t) => hosts[t.host as 'a' | 'b'].conn });
    expect(() => svc.impl.runOnHosts({ source: 's', options: RunOptions.parse({ unsafe: true }), hosts: ['a'] })).toThrow(/only started from the command line/);
    const { runId } = await svc.impl.runOnHosts({ source: 's', options: RunOptions.parse({}), hosts: ['a', 'b'] });
    await new Promise((r) => setTimeout(r, 50));
    hosts.a.print(1, 'from a\n');
    fs.appendFileSync(hosts.b.file, JSON.stringify({ type: 'map', t: 2, name: '@c', entries: [{ key: 'bash', value: 3 }], snapshot: true }) + '\n');
    for (let i = 0; i < 50; i++) {
      const v = await svc.impl.hostRun({ runId });
      if (v.hosts[0].printf.length && v.hosts[1].maps.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const live = await svc.impl.hostRun({ runId });
    expect(live.running).toBe(true);
    expect(live.hosts.map((h) => [h.target, h.state])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
    ]);
    expect(live.hosts[0].printf).toEqual([{ t: 1, text: 'from a\n' }]);
    expect(live.hosts[1].maps).toEqual([{ type: 'map', t: 2, name: '@c', entries: [{ key: 'bash', value: 3 }], snapshot: true }]);
    const end = await svc.impl.stopHostRun({ runId });
    expect(end.running).toBe(false);
    expect(end.hosts.map((h) => [h.state, h.kernelRelease])).toEqual([
      ['done', 'k-a'],
      ['done', 'k-b'],
    ]);
    expect(end.hosts.every((h) => fs.existsSync(h.recordingPath))).toBe(true);
  });
});

describe('capabilities per host', () => {
  const cap = (available: boolean, reason = available ? 'ok' : 'missing') => ({ available, reason, evidence: [], remedy: null });
  it('names what one host has and another lacks, and only that', () => {
    expect(
      capabilityDifferences([
        { host: 'a', entries: { 'probe:kprobe': cap(true), 'probe:uprobe': cap(true) }, problem: null },
        { host: 'b', entries: { 'probe:kprobe': cap(false, 'CONFIG_KPROBES is unset'), 'probe:uprobe': cap(true) }, problem: null },
        { host: 'c', entries: null, problem: 'unreachable' },
      ]),
    ).toEqual(['probe:kprobe: available on a; not on b (CONFIG_KPROBES is unset)']);
  });
});

describe('the catalog per host', () => {
  it('lists the probes some hosts have and others lack or cannot attach', () => {
    const d = probeDifferences([
      { host: 'a', probes: [{ name: 'tracepoint:x:y', available: true }, { name: 'kprobe:vfs_read', available: true }, { name: 'usdt:/bin/p:q', available: true }] },
      { host: 'b', probes: [{ name: 'tracepoint:x:y', available: true }, { name: 'kprobe:vfs_read', available: false }] },
      { host: 'c', probes: null },
    ]);
    expect(d).toEqual({
      lines: ['kprobe:vfs_read: on a; not on b (listed, not available)', 'usdt:/bin/p:q: on a; not on b (no such probe)'],
      more: 0,
    });
    const many = probeDifferences([{ host: 'a', probes: Array.from({ length: 60 }, (_, i) => ({ name: `p${i}`, available: true })) }, { host: 'b', probes: [] }], 50);
    expect([many.lines.length, many.more]).toEqual([50, 10]);
  });
});
