// Real OpenSSH, real bpftrace: `kscope record --host` against throw-away sshds on loopback
// and in network namespaces (test/support/ssh-lab.ts). Root only.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpftracesWith, labUnavailable, SshLab } from '../../test/support/ssh-lab.js';

const CLI = path.resolve('dist/electron/cli.cjs');
const why = labUnavailable() ?? (fs.existsSync(CLI) ? null : `${CLI} is not built (npm run build)`);
if (why) console.log(`skipping the SSH runtime tests: ${why}`);

type Line = { type: string; host?: { target: string; remoteRecording: string }; run?: { id: string }; [k: string]: unknown };
const readLines = (f: string): Line[] =>
  fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
const recordings = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson')).map((f) => path.join(dir, f)) : []);
const byHost = (dir: string, spec: string) => recordings(dir).find((f) => readLines(f)[0].host?.target === spec)!;
/** Everything after the header, as raw lines (the local copy must equal the far side's, byte for byte). */
const body = (f: string) => fs.readFileSync(f, 'utf8').split('\n').slice(1).join('\n');

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) if (cond()) return true;
  return cond();
}

describe.skipIf(why !== null)('record --host over real OpenSSH', () => {
  let dir: string;
  let lab: SshLab;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-ssh-'));
    lab = new SshLab(path.join(dir, 'lab'));
  });
  afterAll(async () => {
    await lab?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records "hi" from the far side, with the host, its kernel and bpftrace in the header, copying kscope there first', async () => {
    const h = await lab.loopbackHost('loop');
    const out = path.join(dir, 'hi');
    const run = () => spawnSync('node', [CLI, 'record', '--host', h.spec, '--ssh-config', lab.clientConfig, '--output', out, '-e', 'BEGIN { printf("hi\\n"); exit(); }'], { encoding: 'utf8', timeout: 90_000 });
    const r = run();
    expect(r.stderr).toContain(`${h.spec}: done`);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('hi\n');
    const [f] = recordings(out);
    const lines = readLines(f);
    expect(lines[0]).toMatchObject({ type: 'header', host: { target: h.spec }, kernelRelease: os.release(), bpftraceVersion: expect.stringMatching(/^\d+\.\d+/), run: { hosts: [h.spec] } });
    expect(lines.filter((l) => l.type === 'printf')).toEqual([expect.objectContaining({ text: 'hi\n' })]);
    expect(lines.at(-1)).toMatchObject({ type: 'exit', code: 0 });
    // The far side kept its own recording; ours is the same bytes after the header.
    const remote = lines[0].host!.remoteRecording;
    expect(remote.startsWith(path.join(h.dir, 'data'))).toBe(true);
    expect(body(f)).toBe(body(remote));
    // kscope was copied into the far side's cache (a folder named by the bundle's hash), once.
    const copies = fs.readdirSync(path.join(h.dir, 'cache', 'kscope', 'remote')).filter((d) => !d.startsWith('.'));
    expect(copies).toHaveLength(1);
    const cli = path.join(h.dir, 'cache', 'kscope', 'remote', copies[0], 'dist', 'electron', 'cli.cjs');
    const copiedAt = fs.statSync(cli).mtimeMs;
    expect(run().status).toBe(0);
    expect(fs.statSync(cli).mtimeMs).toBe(copiedAt);
    expect(recordings(out)).toHaveLength(2);
  });

  it('runs an --unsafe script on the far side when the command line consents, and refuses it otherwise', async () => {
    const h = await lab.loopbackHost('unsafe');
    const out = path.join(dir, 'unsafe');
    const script = 'BEGIN { system("echo from-system"); exit(); }';
    const refused = spawnSync('node', [CLI, 'record', '--host', h.spec, '--ssh-config', lab.clientConfig, '--output', out, '-e', script], { encoding: 'utf8', timeout: 90_000 });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout).not.toContain('from-system');
    const r = spawnSync('node', [CLI, 'record', '--host', h.spec, '--ssh-config', lab.clientConfig, '--output', out, '--unsafe', '-e', script], { encoding: 'utf8', timeout: 90_000 });
    expect(r.stderr).toContain(`${h.spec}: done`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('from-system');
  });

  it('marks an unreachable host with the reason and writes its recording', async () => {
    const out = path.join(dir, 'unreachable');
    // A port nothing listens on (the lab's own loopback sshd is on another).
    const r = spawnSync('node', [CLI, 'record', '--host', 'root@127.0.0.1:1', '--ssh-config', lab.clientConfig, '--output', out, '-e', 'BEGIN { exit(); }'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/root@127\.0\.0\.1:1: FAILED: cannot reach .*Connection refused/);
    const lines = readLines(recordings(out)[0]);
    expect(lines[0]).toMatchObject({ type: 'header', host: { target: 'root@127.0.0.1:1', remoteRecording: null }, bpftraceVersion: null });
    expect(lines[1]).toMatchObject({ type: 'error', message: expect.stringMatching(/Connection refused/) });
  });

  it('says clearly when the far side has no Node.js', async () => {
    const h = await lab.loopbackHost('nonode', { PATH: '/nonexistent-kscope-test' });
    const out = path.join(dir, 'nonode');
    const r = spawnSync('node', [CLI, 'record', '--host', h.spec, '--ssh-config', lab.clientConfig, '--output', out, '-e', 'BEGIN { exit(); }'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no Node\.js on this host: kscope needs Node 20 or newer there/);
  });

  it('reads capabilities per host and names what differs (a host without bpftrace)', async () => {
    const [a, b] = [await lab.loopbackHost('caps-a'), await lab.loopbackHost('caps-b', { KSCOPE_BPFTRACE: '/nonexistent-kscope-test/bpftrace' })];
    const r = spawnSync('node', [CLI, 'capabilities', '--host', a.spec, '--host', b.spec, '--ssh-config', lab.clientConfig, '--json'], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { hosts: { host: string; kernelRelease: string; entries: Record<string, { available: boolean }> }[]; differences: string[] };
    expect(out.hosts.map((h) => [h.host, h.kernelRelease])).toEqual([
      [a.spec, os.release()],
      [b.spec, os.release()],
    ]);
    expect(out.hosts[0].entries.bpftrace.available).toBe(true);
    expect(out.hosts[1].entries.bpftrace.available).toBe(false);
    expect(out.differences.some((d) => d.startsWith(`bpftrace: available on ${a.spec}; not on ${b.spec}`))).toBe(true);
  });

  it('lists the probes of each host from its own kernel', async () => {
    const h = await lab.loopbackHost('catalog');
    const r = spawnSync('node', [CLI, 'catalog', 'tracepoint:sched:sched_switch', '--host', h.spec, '--host', 'root@127.0.0.1:1', '--ssh-config', lab.clientConfig, '--json'], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status).toBe(1); // one host unreachable
    const out = JSON.parse(r.stdout) as { hosts: { host: string; probes: { name: string; available: boolean }[] | null; problem: string | null }[] };
    expect(out.hosts[0].probes).toEqual([{ name: 'tracepoint:sched:sched_switch', available: true }]);
    expect(out.hosts[1]).toMatchObject({ probes: null, problem: expect.stringMatching(/Connection refused/) });
  });

  it('leaves nothing attached on the far side when kscope itself is killed (SIGKILL)', async () => {
    const h = await lab.loopbackHost('killed');
    const token = `kscope_k${randomBytes(4).toString('hex')}`;
    const cli = spawn('node', [CLI, 'record', '--host', h.spec, '--ssh-config', lab.clientConfig, '--output', path.join(dir, 'killed'), '-e', `interval:ms:100 { printf("${token}\\n"); }`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      expect(await waitFor(() => out.includes(token), 45_000)).toBe(true);
      expect(bpftracesWith(token).length).toBe(1);
      cli.kill('SIGKILL');
      // ssh loses its stdin with us, the far side's engine sees EOF and stops bpftrace.
      expect(await waitFor(() => bpftracesWith(token).length === 0, 30_000)).toBe(true);
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
  });

  it('runs one script on three namespaced hosts; one cut mid-run, one without bpftrace; stop reaches all; no bpftrace stays', async () => {
    const client = await lab.clientNamespace();
    const hosts = [await lab.namespaceHost('ns1', 1, client), await lab.namespaceHost('ns2', 2, client), await lab.namespaceHost('ns3', 3, client)];
    const nobpf = await lab.namespaceHost('ns4', 4, client, { KSCOPE_BPFTRACE: '/nonexistent-kscope-test/bpftrace' });
    const token = `kscope_t${randomBytes(4).toString('hex')}`;
    const script = `interval:ms:100 { printf("${token} %d\\n", @n); @n++; @calls[comm] = count(); }`;
    const out = path.join(dir, 'fleet');
    // kscope runs in the client namespace: the hosts' addresses exist only there.
    const cli = spawn(
      'nsenter',
      ['-t', String(client), '-n', '--', 'node', CLI, 'record', ...[...hosts, nobpf].flatMap((h) => ['--host', h.spec]), '--ssh-config', lab.clientConfig, '--alive-interval', '1', '--idle-ms', '3000', '--output', out, '-e', script],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    cli.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => cli.on('close', (code) => r(code)));
    try {
      // Every healthy host is printing; then cut ns3's link.
      expect(await waitFor(() => hosts.every((h) => stdout.includes(`[${h.spec}] ${token} 5\n`)), 45_000)).toBe(true);
      hosts[2].cut();
      expect(await waitFor(() => stderr.includes(`${hosts[2].spec}: cut`), 20_000)).toBe(true);
      // The others go on after the cut.
      const later = (h: (typeof hosts)[number]) => Math.max(...[...stdout.matchAll(new RegExp(`\\[${h.spec.replace(/\./g, '\\.')}\\] ${token} (\\d+)`, 'g'))].map((m) => Number(m[1])));
      const at = later(hosts[0]);
      expect(await waitFor(() => later(hosts[0]) > at + 5 && later(hosts[1]) > at, 10_000)).toBe(true);
      cli.kill('SIGINT');
      expect(await exited).toBe(1); // not every host ended normally
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
    const runIds = new Set(recordings(out).map((f) => readLines(f)[0].run!.id));
    expect(runIds.size).toBe(1);
    expect(recordings(out)).toHaveLength(4);
    for (const h of hosts.slice(0, 2)) {
      const f = byHost(out, h.spec);
      const lines = readLines(f);
      expect(lines[0]).toMatchObject({ host: { target: h.spec }, kernelRelease: os.release(), run: { hosts: [...hosts, nobpf].map((x) => x.spec) } });
      // Stopped by our SIGINT: bpftrace printed its final maps, then exited.
      expect(lines.at(-1)).toMatchObject({ type: 'exit', signal: null, code: 0 });
      expect(lines.some((l) => l.type === 'map' && l.name === '@calls' && l.snapshot === false)).toBe(true);
      expect(body(f)).toBe(body(lines[0].host!.remoteRecording));
      expect(stderr).toContain(`${h.spec}: done`);
    }
    // The cut host: what it sent before the cut is kept, then the reason; no exit line (interrupted).
    const cut = readLines(byHost(out, hosts[2].spec));
    const ticks = cut.filter((l) => l.type === 'printf');
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    expect(ticks.map((l) => l.text)).toEqual(ticks.map((_, i) => `${token} ${i}\n`));
    expect(cut.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/connection lost/) });
    expect(cut.some((l) => l.type === 'exit')).toBe(false);
    expect(stderr).toMatch(new RegExp(`${hosts[2].spec.replace(/\./g, '\\.')}: CUT: connection lost`));
    // The host without bpftrace is marked with why; it never ran.
    const none = readLines(byHost(out, nobpf.spec));
    expect(none[1]).toMatchObject({ type: 'error', message: expect.stringMatching(/refused the run: bpftrace at \/nonexistent-kscope-test\/bpftrace does not exist/) });
    expect(stderr).toMatch(/10\.215\.4\.2: FAILED: .*bpftrace/);
    // Nothing stays attached anywhere: the cut host's engine stops its run when the peer falls silent.
    expect(await waitFor(() => bpftracesWith(token).length === 0, 30_000)).toBe(true);
    // ...and it recorded past the cut on its own side: our copy is a prefix of its recording.
    const remote = readLines(cut[0].host!.remoteRecording);
    const remoteTicks = remote.filter((l) => l.type === 'printf').map((l) => l.text);
    expect(remoteTicks.slice(0, ticks.length)).toEqual(ticks.map((l) => l.text));
    expect(remote.at(-1)).toMatchObject({ type: 'exit' });
  }, 150_000);
});
