// The helper hands bpftrace's stdout pipe to the engine (SCM_RIGHTS over its stdin socket)
// instead of relaying every byte, with each bpftrace build installed here: the engine reads
// exactly what bpftrace printed, the helper holds no end of that pipe, and the relay still
// works when asked for (or when the helper cannot pass descriptors).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testedBpftraces } from '../node/engine/bpftrace-versions.js';
import { HelperClient, type HelperRun } from '../node/privileged/client.js';
import { bundleHelperInto, testBundleDir } from '../test/support/bundles.js';

const root = process.getuid?.() === 0;
if (!root) console.warn('output-fd.runtime.test.ts: skipped, needs root (the helper runs bpftrace)');

const LINES = 400;
// One line a millisecond, numbered, then exit: every line must arrive once, in order.
const SCRIPT = `interval:ms:1 { @i = @i + 1; printf("line %d\\n", @i); if (@i == ${LINES}) { exit(); } }`;

/** The pipe inode a process has as its stdout (fd 1), e.g. "pipe:[1234]". */
const stdoutOf = (pid: number) => fs.readlinkSync(`/proc/${pid}/fd/1`);
/** Every fd target a process holds. */
function fdsOf(pid: number): string[] {
  return fs.readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return [fs.readlinkSync(`/proc/${pid}/fd/${fd}`)];
    } catch {
      return [];
    }
  });
}

async function collect(run: HelperRun, whileRunning?: () => void): Promise<{ out: string; code: number | null; seen: boolean }> {
  let out = '';
  let seen = false;
  run.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (!seen && run.pid !== undefined && whileRunning) {
      seen = true;
      whileRunning();
    }
  });
  run.stderr.resume();
  const code = await new Promise<number | null>((r) => run.on('close', (c) => r(c)));
  return { out, code, seen };
}

function printfLines(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{"type": "printf"'))
    .map((l) => (JSON.parse(l) as { data: string }).data);
}

const expected = Array.from({ length: LINES }, (_, i) => `line ${i + 1}\n`);

describe.skipIf(!root)('the helper passes bpftrace stdout pipe to the engine (real bpftrace, each version)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  for (const { minor, bin, why } of testedBpftraces()) {
    if (!bin) console.warn(`output-fd.runtime.test.ts: bpftrace ${minor} skipped: ${why}`);
    describe.skipIf(!bin)(`bpftrace ${minor}`, () => {
      async function helperFor(): Promise<string> {
        const dir = testBundleDir(`helper-fd-${minor}`);
        dirs.push(dir);
        // The test bundle looks for bpftrace in this version's directory first.
        return bundleHelperInto(dir, { trustedDirs: [path.dirname(bin!.path)] });
      }

      it('by descriptor: every line once and in order, the helper holds no end of the pipe, bpftrace writes into ours', async () => {
        const helper = await helperFor();
        const c = new HelperClient({ command: process.execPath, args: [helper, '--parent-pid', String(process.pid)], via: 'direct' });
        try {
          const hello = await c.hello;
          expect(hello.bpftrace?.path).toBe(fs.realpathSync(bin!.path));
          expect(hello.outputFd).toBe(true);
          const run = c.run(SCRIPT, { format: 'json' });
          let checked: { bpftraceStdout: string; ours: boolean; helpers: boolean } | null = null;
          const r = await collect(run, () => {
            const pipe = stdoutOf(run.pid!);
            checked = { bpftraceStdout: pipe, ours: fdsOf(process.pid).includes(pipe), helpers: fdsOf(c.pid!).includes(pipe) };
          });
          expect(r.code).toBe(0);
          expect(run.output).toBe('fd');
          expect(checked).not.toBeNull();
          expect(checked!.bpftraceStdout).toMatch(/^pipe:\[\d+\]$/);
          expect(checked!.ours).toBe(true);
          expect(checked!.helpers).toBe(false);
          expect(printfLines(r.out)).toEqual(expected);
          // And nothing left behind in this process: the pipe's read end was closed at its end.
          expect(fdsOf(process.pid)).not.toContain(checked!.bpftraceStdout);
        } finally {
          c.close();
        }
      }, 60_000);

      it('relayed when the engine asks for it (KSCOPE_HELPER_OUTPUT=relay): the same lines, through the helper', async () => {
        const helper = await helperFor();
        process.env.KSCOPE_HELPER_OUTPUT = 'relay';
        const c = new HelperClient({ command: process.execPath, args: [helper, '--parent-pid', String(process.pid)], via: 'direct' });
        delete process.env.KSCOPE_HELPER_OUTPUT;
        try {
          expect((await c.hello).outputFd).toBe(true); // the helper could; the engine did not ask
          const run = c.run(SCRIPT, { format: 'json' });
          let helperHolds = false;
          const r = await collect(run, () => (helperHolds = fdsOf(c.pid!).includes(stdoutOf(run.pid!))));
          expect(r.code).toBe(0);
          expect(run.output).toBe('relay');
          expect(helperHolds).toBe(true);
          expect(printfLines(r.out)).toEqual(expected);
        } finally {
          c.close();
        }
      }, 60_000);
    });
  }
});
