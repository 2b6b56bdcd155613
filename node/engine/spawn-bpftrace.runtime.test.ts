// The direct spawn (the app is root): positional arguments reach the script as $1, $2 and
// never as bpftrace options, for -e scripts and for long scripts passed as a file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from './bpftrace-binary.js';
import type { PipedChild } from './output-pipe.js';
import { childrenOf, procStat } from '../../test/support/runtime.js';
import { defaultPipeMaker, directSpawner } from './spawn-bpftrace.js';

const root = process.getuid?.() === 0;
if (!root) console.warn('spawn-bpftrace.runtime.test.ts: skipped, needs root (bpftrace)');

describe.skipIf(!root)('directSpawner', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-spawn-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function run(script: string, args: string[]): Promise<string> {
    const spawner = directSpawner({ bpftrace: findOnPath('bpftrace')!, setpriv: findOnPath('setpriv') });
    const child = spawner({ script, unsafe: false, args });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.resume();
    await new Promise((r) => child.on('close', r));
    return out;
  }

  it('an argument "-o FILE" is $1, not an output file (inline and file scripts)', async () => {
    const trap = path.join(tmp, 'trap');
    const short = 'BEGIN { printf("[%s][%s]\\n", str($1), str($2)); exit(); }';
    expect(await run(short, ['-o', trap])).toContain(`[-o][${trap}]`);
    const long = `${'// padding\n'.repeat(10_000)}${short}`; // over MAX_INLINE_SCRIPT: goes through a file
    expect(await run(long, ['-o', trap])).toContain(`[-o][${trap}]`);
    expect(fs.existsSync(trap)).toBe(false);
  });

  // bpftrace must never wait for us: a burst far larger than a socketpair holds (~278
  // one-line writes) goes into the pipe while we read nothing, and bpftrace finishes.
  it.skipIf(!defaultPipeMaker())('stdout is a large pipe: bpftrace writes 3,000 lines and exits while we do not read', async () => {
    const spawner = directSpawner({ bpftrace: findOnPath('bpftrace')!, setpriv: findOnPath('setpriv') });
    const script = 'interval:us:200 { @n = @n + 1; printf("%d 0123456789012345678901234567890123456789\\n", @n); if (@n >= 3000) { exit(); } }';
    const child = spawner({ script, unsafe: false, args: [] }) as unknown as PipedChild;
    expect(child.pipeBytes).toBeGreaterThanOrEqual(1024 * 1024);
    child.stdout.pause();
    child.stderr.resume();
    const pid = child.pid!;
    expect(fs.readlinkSync(`/proc/${pid}/fd/1`)).toMatch(/^pipe:/);
    // Wait (not reading stdout) until bpftrace (exec'd by setpriv in the same pid) has exited.
    const deadline = Date.now() + 30_000;
    let state = procStat(pid)?.state;
    while (state && state !== 'Z' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      state = procStat(pid)?.state;
    }
    const blockedChildren = childrenOf(process.pid).filter((p) => p.pid === pid && p.state !== 'Z');
    expect(blockedChildren, 'bpftrace still running: it blocked on its stdout').toEqual([]);
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stdout.resume();
    await new Promise((r) => child.on('close', r));
    // Every line is there, in order (exit() may let a line or two more through).
    const lines = out.split('\n').filter((l) => l.includes('"type": "printf"'));
    expect(lines.length).toBeGreaterThanOrEqual(3000);
    lines.slice(0, 3000).forEach((l, i) => expect(l).toContain(`"${i + 1} 0123`));
  }, 60_000);
});
