// The privileged helper as a real process, with real bpftrace: its doors, and that it
// dies with its parent.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, isGone, waitFor } from '../test/support/runtime.js';
import { HelperClient } from '../node/privileged/client.js';
import { FrameReader, Kind, MAX_HELPER_FRAME, Reply, encodeFrame, encodeRequest, type FrameEvent } from './protocol.js';
import { bundleHelperInto, testBundleDir } from '../test/support/bundles.js';

const root = process.getuid?.() === 0;
if (!root) console.warn('helper.runtime.test.ts: skipped, needs root (the helper runs bpftrace)');

/** The helper over raw frames: what a confused or hostile caller could send. */
class Raw {
  readonly child: ChildProcess;
  readonly frames: FrameEvent[] = [];
  private readonly reader = new FrameReader(MAX_HELPER_FRAME);
  readonly exited: Promise<number | null>;
  stderr = '';
  constructor(helper: string, parentPid = process.pid) {
    this.child = spawn(process.execPath, [helper, '--parent-pid', String(parentPid)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin!.on('error', () => {});
    this.child.stdout!.on('data', (b: Buffer) => this.frames.push(...this.reader.push(b)));
    this.child.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }
  send(b: Buffer): void {
    this.child.stdin!.write(b);
  }
  async reply(id: number): Promise<Reply> {
    let found: FrameEvent | undefined;
    await waitFor(() => !!(found = this.frames.find((f) => f.type === 'frame' && f.kind === Kind.reply && f.id === id)), `reply ${id} (stderr: ${this.stderr})`, 20_000);
    return Reply.parse(JSON.parse((found as { payload: Buffer }).payload.toString()));
  }
  bpftraceChildren(): number {
    return childrenOf(this.child.pid!).filter((p) => p.comm === 'bpftrace' || p.comm === 'setpriv').length;
  }
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

describe.skipIf(!root)('the privileged helper (real process, real bpftrace)', () => {
  let dir: string;
  let helper: string;
  beforeAll(async () => {
    dir = testBundleDir('helper-test');
    helper = await bundleHelperInto(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hello: root, protocol 1, SIGKILL as its parent-death signal, bpftrace found by itself', async () => {
    const c = new HelperClient({ command: process.execPath, args: [helper, '--parent-pid', String(process.pid)], via: 'direct' });
    const hello = await c.hello;
    expect(hello).toMatchObject({ protocol: 1, uid: 0, parentDeathSignal: 9, bpftrace: { path: expect.stringMatching(/^\/usr\/s?bin\/bpftrace$/) } });
    c.close();
  });

  it('runs a script given as bytes; positional args cannot become options', async () => {
    const c = new HelperClient({ command: process.execPath, args: [helper, '--parent-pid', String(process.pid)], via: 'direct' });
    const trap = `${dir}/pwned`;
    const run = c.run('BEGIN { printf("arg=%s\\n", str($1)); exit(); }', { args: ['-o', trap] });
    let out = '';
    run.stdout.on('data', (b: Buffer) => (out += b.toString()));
    run.stderr.resume();
    const [code] = await new Promise<[number | null, string | null]>((r) => run.on('close', (code, sig) => r([code, sig])));
    expect(code).toBe(0);
    expect(out).toContain('"data": "arg=-o\\n"');
    expect(fs.existsSync(trap)).toBe(false);
    // Its script's directory went with the run.
    expect(fs.readdirSync('/tmp').filter((f) => f.startsWith(`kscope-helper-${c.pid}-`))).toEqual([]);
    c.close();
  });

  it('refuses --unsafe without consent, a script path, a 100 MB script, a bad version, an unknown method, a truncated frame — and keeps answering', async () => {
    const h = new Raw(helper);
    try {
      h.send(encodeRequest(1, { v: 1, method: 'run', options: { unsafe: true } }, Buffer.from('BEGIN { system("id"); exit(); }')));
      expect(await h.reply(1)).toMatchObject({ ok: false, error: { code: 'unsafe-without-consent' } });
      h.send(encodeRequest(2, { v: 1, method: 'run', options: {}, scriptPath: '/tmp/x.bt' }));
      expect(await h.reply(2)).toMatchObject({ ok: false, error: { code: 'script-path' } });
      // 100 MB in one frame, written as a stream: refused unread.
      const json = Buffer.from(JSON.stringify({ v: 1, method: 'run', options: {} }));
      const size = 100 * 1024 * 1024;
      const head = Buffer.alloc(13);
      head.writeUInt32BE(5 + 4 + json.length + size, 0);
      head.writeUInt8(Kind.request, 4);
      head.writeUInt32BE(3, 5);
      head.writeUInt32BE(json.length, 9);
      h.send(Buffer.concat([head, json]));
      const mb = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 100; i++) if (!h.child.stdin!.write(mb)) await new Promise((r) => h.child.stdin!.once('drain', r));
      expect(await h.reply(3)).toMatchObject({ ok: false, error: { code: 'too-large' } });
      h.send(encodeRequest(4, { v: 2, method: 'hello' }));
      expect(await h.reply(4)).toMatchObject({ ok: false, error: { code: 'version' } });
      h.send(encodeRequest(5, { v: 1, method: 'exec', argv: ['/bin/sh'] }));
      expect(await h.reply(5)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
      const truncated = Buffer.alloc(4);
      truncated.writeUInt32BE(500, 0); // a JSON of 500 bytes announced, none sent
      h.send(encodeFrame(Kind.request, 6, truncated));
      expect(await h.reply(6)).toMatchObject({ ok: false, error: { code: 'malformed', message: expect.stringMatching(/truncated/) } });
      h.send(encodeRequest(7, { v: 1, method: 'listProbes', pattern: '-c id' }));
      expect(await h.reply(7)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
      expect(h.bpftraceChildren()).toBe(0);
      h.send(encodeRequest(8, { v: 1, method: 'hello' }));
      expect(await h.reply(8)).toMatchObject({ ok: true, result: { protocol: 1 } });
      h.send(encodeRequest(9, { v: 1, method: 'run', options: { unsafe: true, unsafeConsent: true } }, Buffer.from('BEGIN { system("id"); exit(); }')));
      expect(await h.reply(9)).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/unsafeConsent/) } });
      expect(h.bpftraceChildren()).toBe(0);
      // The input ends inside a frame: an error reply, then the helper leaves.
      h.send(encodeRequest(10, { v: 1, method: 'hello' }).subarray(0, 12));
      h.child.stdin!.end();
      expect(await h.exited).toBe(0);
      expect(h.frames.at(-1)).toMatchObject({ type: 'frame', kind: Kind.reply, id: 0 });
    } finally {
      h.kill();
    }
  }, 60_000);

  it('--unsafe: the request alone is refused; a helper started in its unsafe mode (as the unsafe wrapper starts it) runs it once', async () => {
    const plain = new HelperClient({ command: process.execPath, args: [helper, '--parent-pid', String(process.pid)], via: 'direct' });
    const refused = plain.run('BEGIN { system("echo from-system"); exit(); }', { unsafe: true });
    const err = await new Promise<string>((r) => refused.on('error', (e: Error) => r(e.message)));
    expect(err).toMatch(/org\.kscope\.run-bpftrace-unsafe/);
    plain.close();
    const c = new HelperClient({ command: process.execPath, args: [helper, '--parent-pid', String(process.pid)], via: 'direct', env: { KSCOPE_HELPER_ACTION: 'unsafe' } });
    expect((await c.hello).unsafe).toBe(true);
    const run = c.run('BEGIN { system("echo from-system"); exit(); }', { unsafe: true });
    let out = '';
    run.stdout.on('data', (b: Buffer) => (out += b.toString()));
    run.stderr.resume();
    await new Promise((r) => run.on('close', r));
    expect(out).toContain('from-system');
    const second = c.run('BEGIN { exit(); }', {});
    expect(await new Promise<string>((r) => second.on('error', (e: Error) => r(e.message)))).toMatch(/one unsafe run/);
    c.close();
  });

  it('starts without the native addon: no prctl, bpftrace still under setpriv --pdeathsig, gone when stdin ends', async () => {
    // Bundled where no addon is found (its search is relative to the bundle, never the cwd).
    const bare = fs.mkdtempSync('/tmp/kscope-helper-noaddon-');
    fs.mkdirSync(`${bare}/a/b`, { recursive: true });
    const lone = `${bare}/a/b/helper.cjs`;
    fs.copyFileSync(helper, lone);
    const c = new HelperClient({ command: process.execPath, args: [lone, '--parent-pid', String(process.pid)], via: 'direct' });
    try {
      expect(await c.hello).toMatchObject({ uid: 0, parentDeathSignal: 0 });
      const run = c.run('interval:s:30 { exit(); }', {});
      run.stderr.resume();
      run.stdout.resume();
      run.on('error', () => {}); // the helper leaving ends the run with an error: expected here
      // setpriv sets the parent-death signal and execs bpftrace in the same process.
      await waitFor(() => childrenOf(c.pid!).some((p) => p.comm === 'bpftrace'), 'bpftrace under the helper', 20_000);
      const setpriv = childrenOf(c.pid!).find((p) => p.comm === 'bpftrace')!;
      c.close(); // the app's pipe closes (as when the app dies): the helper kills its run and leaves
      await waitFor(() => isGone(c.pid!) && isGone(setpriv.pid), 'helper and bpftrace gone', 10_000);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });

  it('exits at once when its parent is not the one named (it died before the helper set its parent-death signal)', async () => {
    const h = new Raw(helper, 1);
    expect(await h.exited).toBe(4);
    expect(h.stderr).toMatch(/parent 1 is gone/);
  });

  it('a request after the parent died: the helper is gone (parent-death signal, not stdin EOF) and so is its bpftrace', async () => {
    // The helper's stdin is a FIFO it holds open for writing itself (O_RDWR), so its input can
    // never end: only the parent-death signal can take it when the middle process dies.
    const fifo = `${dir}/in.fifo`;
    execFileSync('mkfifo', ['-m', '0600', fifo]);
    const middle = spawn(
      process.execPath,
      ['-e', `const fs = require('fs'); const i = fs.openSync(${JSON.stringify(fifo)}, 'r+'); const c = require('child_process').spawn(process.execPath, [${JSON.stringify(helper)}, '--parent-pid', String(process.pid)], { stdio: [i, 'inherit', 'inherit'] }); process.stderr.write('helper ' + c.pid + '\\n'); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const reader = new FrameReader(MAX_HELPER_FRAME);
    const frames: FrameEvent[] = [];
    middle.stdout!.on('data', (b: Buffer) => frames.push(...reader.push(b)));
    let err = '';
    middle.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    let helperPid = 0;
    let bpftracePid = 0;
    let input = -1;
    try {
      await waitFor(() => /helper (\d+)/.test(err), 'the helper pid');
      helperPid = Number(/helper (\d+)/.exec(err)![1]);
      input = fs.openSync(fifo, 'w');
      fs.writeSync(input, encodeRequest(1, { v: 1, method: 'run', options: {} }, Buffer.from('tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }')));
      await waitFor(() => frames.some((f) => f.type === 'frame' && f.kind === Kind.stdout && f.payload.toString().includes('attached_probes')), `attached (stderr: ${err})`, 20_000);
      bpftracePid = childrenOf(helperPid).find((p) => p.comm === 'bpftrace')!.pid;
      // The script went to a root-owned 0600 file in a 0700 directory of the helper's own.
      const dirs = fs.readdirSync('/tmp').filter((f) => f.startsWith(`kscope-helper-${helperPid}-`));
      expect(dirs).toHaveLength(1);
      const d = fs.statSync(`/tmp/${dirs[0]}`);
      const f = fs.statSync(`/tmp/${dirs[0]}/script.bt`);
      expect([d.uid, d.mode & 0o777, f.uid, f.mode & 0o777]).toEqual([0, 0o700, 0, 0o600]);
      expect(fs.readFileSync(`/proc/${bpftracePid}/cmdline`, 'utf8').split('\0')).toContain(`/tmp/${dirs[0]}/script.bt`);
      middle.kill('SIGKILL');
      await waitFor(() => isGone(helperPid) && isGone(bpftracePid), 'helper and bpftrace gone', 1000, 10);
      const before = frames.length;
      try {
        fs.writeSync(input, encodeRequest(2, { v: 1, method: 'hello' }));
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('EPIPE'); // nobody reads the FIFO any more
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(frames.slice(before).filter((f) => f.type === 'frame' && f.kind === Kind.reply)).toEqual([]);
    } finally {
      middle.kill('SIGKILL');
      for (const pid of [helperPid, bpftracePid]) if (pid && !isGone(pid)) process.kill(pid, 'SIGKILL');
      if (input >= 0) fs.closeSync(input);
    }
  }, 60_000);

  it('2,000 malformed frames to the real process: an error reply each, still alive, no bpftrace started', async () => {
    const h = new Raw(helper);
    try {
      const n = 2000;
      for (let i = 1; i <= n; i++) {
        const kind = i % 5;
        const frame =
          kind === 0
            ? encodeFrame(Kind.request, i, Buffer.from(Array.from({ length: i % 97 }, (_, j) => (i * 31 + j * 7) & 0xff)))
            : kind === 1
              ? encodeRequest(i, { v: 1, method: 'run', options: { unsafe: true } }, Buffer.from('BEGIN {}'))
              : kind === 2
                ? encodeRequest(i, { v: 1, method: 'run', options: { args: [i] } }, Buffer.from('BEGIN {}'))
                : kind === 3
                  ? encodeRequest(i, { v: i, method: 'hello' })
                  : encodeRequest(i, { v: 1, method: 'signal', run: i, signal: 'HUP' });
        h.send(frame);
      }
      const last = await h.reply(n);
      expect(last.ok).toBe(false);
      const replies = h.frames.filter((f): f is Extract<FrameEvent, { type: 'frame' }> => f.type === 'frame' && f.kind === Kind.reply);
      expect(replies.map((f) => f.id)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(replies.every((f) => Reply.parse(JSON.parse(f.payload.toString())).ok === false)).toBe(true);
      expect(h.bpftraceChildren()).toBe(0);
      h.send(encodeRequest(n + 1, { v: 1, method: 'hello' }));
      expect(await h.reply(n + 1)).toMatchObject({ ok: true });
    } finally {
      h.kill();
    }
  }, 60_000);
});
