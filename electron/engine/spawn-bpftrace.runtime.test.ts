// The direct spawn (the app is root): positional arguments reach the script as $1, $2 and
// never as bpftrace options, for -e scripts and for long scripts passed as a file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from './bpftrace-binary.js';
import { directSpawner } from './spawn-bpftrace.js';

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
});
