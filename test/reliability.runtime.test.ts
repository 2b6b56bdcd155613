// The reliability suite (runtime tier, root): the real CLI bundle against bad options, hostile
// and broken files on every file door, a busy port, unwritable outputs, and SIGKILLs mid-run
// with the recording read back. It prints its figures (README: "Safe on a production box").
// Only processes this suite started are counted or killed (by PID), never others' bpftrace.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../node/recordings/writer.js';
import { bundleCli, isGone, waitFor } from './support/runtime.js';
import { REC_A } from './support/exports.js';

const why = process.getuid?.() !== 0 ? 'needs root (record runs bpftrace)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping the reliability suite: ${why}`);

/** A run of the CLI; `hung` when it had to be killed after `timeoutMs`. */
interface Ran {
  code: number | null;
  signal: string | null;
  out: string;
  err: string;
  hung: boolean;
}

const STACK_LINE = /^ {4}at /m;

describe.skipIf(why !== null)('reliability: nothing a user can feed kscope crashes or hangs it', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-reliability-'));
  const cli = path.join(tmp, 'cli.cjs');
  const figures: string[] = [];
  const env = { ...process.env, XDG_DATA_HOME: path.join(tmp, 'data'), XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_CACHE_HOME: path.join(tmp, 'cache') };

  beforeAll(async () => {
    await bundleCli(cli);
  }, 60_000);
  afterAll(() => {
    console.log(`\nreliability figures:\n${figures.map((f) => `  ${f}`).join('\n')}\n`);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const run = (args: string[], opts: { stdin?: string; timeoutMs?: number } = {}) =>
    new Promise<Ran>((resolve) => {
      const p = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
      let out = '';
      let err = '';
      let hung = false;
      p.stdout.on('data', (c) => (out.length < 1e6 ? (out += c) : null));
      p.stderr.on('data', (c) => (err.length < 1e6 ? (err += c) : null));
      p.stdin.on('error', () => {});
      if (opts.stdin !== undefined) p.stdin.end(opts.stdin);
      else p.stdin.end();
      const timer = setTimeout(() => {
        hung = true;
        p.kill('SIGKILL');
      }, opts.timeoutMs ?? 20_000);
      p.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, out, err, hung });
      });
    });

  it('every command with bogus options: a usage line and exit 2, never a stack trace', async () => {
    const commands = ['record', 'serve', 'catalog', 'examples', 'capabilities', 'recordings', 'export', 'import', 'diff'];
    const bogus = [['--bogus'], ['--bogus=1', 'x'], ['-Z']];
    let tried = 0;
    for (const c of commands) {
      for (const b of bogus) {
        const r = await run([c, ...b]);
        tried++;
        expect(r.err, `${c} ${b.join(' ')}`).not.toMatch(STACK_LINE);
        expect(r.code, `${c} ${b.join(' ')}: ${r.err}`).toBe(2);
        expect(r.err).toMatch(new RegExp(`kscope ${c}`));
      }
    }
    const specific: [string[], RegExp][] = [
      [['record', '-d', '-5', '-e', 'BEGIN { exit(); }'], /argument is ambiguous|duration/],
      [['record', '--duration=-5', '-e', 'BEGIN { exit(); }'], /durationSec/],
      [['record', '/bin/true'], /\/bin\/true is not a bpftrace script: binary data/],
      [['record', '-e', ''], /-e: the script is empty/],
      [['record'], /record needs a script/],
      [['export', REC_A], /--format is required/],
      [['diff', '-', '-'], /only one side can be read from stdin/],
      [['nonsense'], /unknown command 'nonsense'/],
    ];
    for (const [args, msg] of specific) {
      const r = await run(args);
      tried++;
      expect(r.err, args.join(' ')).not.toMatch(STACK_LINE);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(msg);
      // A binary's bytes never reach the terminal.
      const raw = [...r.err].filter((ch) => {
        const c = ch.charCodeAt(0);
        return (c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f || c === 0xfffd;
      });
      expect(raw, args.join(' ')).toEqual([]);
    }
    figures.push(`bad options: ${tried} command lines over ${commands.length} commands, ${tried} answered with a usage error (exit 2), 0 stack traces`);
  }, 120_000);

  it('a busy port is one line and exit 1', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await run(['serve', '--port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n').filter((l) => !/^kscope: not root/.test(l))).toEqual([`kscope: port ${port} is in use: choose another with --port N, or --port 0 for any free one`]);
    } finally {
      server.close();
    }
  });

  it('record: an unwritable recording is a failure with its reason, and bpftrace never starts', async () => {
    const r = await run(['record', '-e', 'BEGIN { printf("x\\n"); exit(); }', '--output', '/proc/version']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\/proc\/version/);
    expect(r.err).not.toMatch(STACK_LINE);
    const missing = await run(['record', '-e', 'BEGIN { exit(); }', '--output', path.join(tmp, 'no', 'such', '..', '..', 'dir-file', 'x', 'r.ndjson')]);
    expect(missing.err).not.toMatch(STACK_LINE);
  });

  it('record --output /dev/null writes in place: /dev/null is still the same character device', async () => {
    const before = fs.statSync('/dev/null');
    const r = await run(['record', '-e', 'BEGIN { printf("hello\\n"); exit(); }', '--output', '/dev/null']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('hello\n');
    const after = fs.statSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect([after.ino, after.rdev, after.mode]).toEqual([before.ino, before.rdev, before.mode]);
  });

  it('file doors fuzzed: torn, binary, huge-line, deep-nesting and wrong-format files, pipes and devices; 0 crashes, 0 hangs', async () => {
    const header = fs.readFileSync(REC_A, 'utf8').split('\n')[0];
    const recText = fs.readFileSync(REC_A, 'utf8');
    const files: Record<string, () => string> = {
      'torn recording': () => w('torn.ndjson', recText.slice(0, Math.floor(recText.length * 0.6))),
      'empty file': () => w('empty', ''),
      'random binary': () => w('random.bin', Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + 13) % 256))),
      'an ELF (/bin/true)': () => '/bin/true',
      'a PNG': () => w('x.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1000, 7)])),
      'huge line, no newline (20 MB)': () => w('huge.txt', 'x'.repeat(20 << 20)),
      'header then a 20 MB line': () => w('huge.ndjson', header + '\n' + '{"type":"printf","t":1,"text":"' + 'y'.repeat(20 << 20) + '"}\n'),
      'deep nesting (100k [)': () => w('deep.ndjson', header + '\n' + '['.repeat(100_000) + '\n'),
      'deep nesting in a map key': () => w('deepkey.ndjson', header + '\n' + JSON.stringify({ type: 'map', t: 1, name: '@s', entries: [{ key: '\n' + '  f\n'.repeat(200_000), value: 1 }], snapshot: false }) + '\n'),
      'folded with 100k frames': () => w('deep.folded', Array.from({ length: 100_000 }, (_, i) => `f${i}`).join(';') + ' 3\n'),
      'wrong format: CSV': () => w('x.csv', 'a,b,c\n1,2,3\n'),
      'wrong format: a JSON array': () => w('x.json', '[1,2,3]\n'),
      'future recording format': () => w('future.ndjson', JSON.stringify({ ...JSON.parse(header), format: 99 }) + '\n'),
      '/dev/zero': () => '/dev/zero',
      '/dev/null': () => '/dev/null',
      'a folder': () => tmp,
    };
    function w(name: string, data: string | Buffer): string {
      const p = path.join(tmp, 'fuzz', name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, data);
      return p;
    }
    const doors: [string, (f: string) => string[]][] = [
      ['export folded', (f) => ['export', f, '--format', 'folded', '--output', path.join(tmp, 'out.folded')]],
      ['export json', (f) => ['export', f, '--format', 'json', '--output', path.join(tmp, 'out.json')]],
      ['export csv', (f) => ['export', f, '--format', 'csv', '--output', path.join(tmp, 'out.csv')]],
      ['diff', (f) => ['diff', f, REC_A, '--output', path.join(tmp, 'out.diff')]],
      ['import', (f) => ['import', f, '--output', path.join(tmp, 'out.ndjson')]],
    ];
    const perDoor = new Map<string, { tried: number; refused: number; crashes: number; hangs: number }>();
    for (const [door, argv] of doors) {
      const tally = { tried: 0, refused: 0, crashes: 0, hangs: 0 };
      perDoor.set(door, tally);
      for (const [kind, make] of Object.entries(files)) {
        const r = await run(argv(make()), { timeoutMs: 30_000 });
        tally.tried++;
        if (r.hung) tally.hangs++;
        if (r.signal || STACK_LINE.test(r.err) || /internal error/.test(r.err) || (r.code !== 0 && r.code !== 1)) tally.crashes++;
        if (r.code === 1) tally.refused++;
        expect({ door, kind, hung: r.hung, signal: r.signal, stack: STACK_LINE.test(r.err), internal: /internal error/.test(r.err) }).toEqual({ door, kind, hung: false, signal: null, stack: false, internal: false });
        expect([0, 1], `${door} ${kind}: ${r.err}`).toContain(r.code);
        if (/binary|ELF|PNG|zero/.test(kind)) expect(r.err, `${door} ${kind}`).toMatch(/binary data/);
      }
      // Pipes and `-`: the same recording through stdin works on every door that reads it.
      const viaPipe = await run(argv('-'), { stdin: door === 'import' ? 'main;work;leaf 3\nmain;idle 1\n' : recText });
      expect(viaPipe.code, `${door} via -: ${viaPipe.err}`).toBe(0);
      tally.tried++;
    }
    for (const [door, t] of perDoor) figures.push(`${door}: ${t.tried} hostile or broken inputs (incl. a pipe), ${t.refused} refused with a message, ${t.crashes} crashes, ${t.hangs} hangs`);
    for (const t of perDoor.values()) expect([t.crashes, t.hangs]).toEqual([0, 0]);
  }, 600_000);

  it('SIGKILL of `kscope record` mid-flood: the recording reads back with no gap in the sequence', async () => {
    const ROUNDS = 8;
    const lost: number[] = [];
    let kept = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const out = path.join(tmp, `kill-${i}.ndjson`);
      const p = spawn(process.execPath, [cli, 'record', '-e', 'interval:ms:1 { printf("%d\\n", @n); @n = @n + 1; }', '--snapshot-ms', '0', '--output', out], { stdio: ['ignore', 'ignore', 'ignore'], env });
      try {
        await waitFor(() => fs.existsSync(out) && fs.statSync(out).size > 20_000 + i * 5_000, `recording ${i} to grow`, 20_000);
      } finally {
        p.kill('SIGKILL');
      }
      await new Promise((r) => p.on('close', r));
      await waitFor(() => isGone(p.pid!), 'record gone');
      const rec = parseRecording(fs.readFileSync(out, 'utf8'));
      const seq = rec.events.filter((e) => e.type === 'printf').map((e) => Number((e as { text: string }).text));
      kept += seq.length;
      // Lines lost: gaps in 0, 1, 2, … (bpftrace prints each; kscope must have recorded each it read).
      let gaps = 0;
      for (let k = 0; k < seq.length; k++) if (seq[k] !== k) gaps++;
      lost.push(gaps);
      expect(rec.invalid).toEqual([]);
    }
    figures.push(`SIGKILL mid-flood: ${ROUNDS} kills of kscope record, ${kept.toLocaleString('en-US')} printf lines read back, lines lost (gaps) per kill: ${lost.join(', ')}; a torn last line at most`);
    expect(lost).toEqual(lost.map(() => 0));
    // bpftrace died with record each time (setpriv --pdeathsig): none of OUR runs is left.
    const ours = spawnSync('pgrep', ['-f', path.join(tmp, 'kill-')], { encoding: 'utf8' }).stdout.trim();
    expect(ours).toBe('');
  }, 300_000);
});
