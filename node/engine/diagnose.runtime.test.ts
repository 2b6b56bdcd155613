// `diagnose` (run while typing) against real bpftrace: bounded in number (a burst of requests
// starts at most MAX_DRY_RUNS compiles), memory (prlimit: `#include "/dev/zero"` is stopped
// with a message) and script size (the same 1 MiB limit as a run).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../backend.js';
import { bpftraceDryRun, dryRunsRunning, MAX_DRY_RUNS } from './diagnose.js';
import { childrenOf } from '../../test/support/runtime.js';
import { MAX_SCRIPT_BYTES } from './script-limits.js';
import { RunRefused } from './sessions.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace compiles against the kernel)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping diagnose runtime tests: ${why}`);

describe.skipIf(why !== null)('diagnose, bounded', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-diag-'));
  const backend = createBackend({ recordingsDir: path.join(tmp, 'rec'), cacheDir: null });
  afterAll(async () => {
    await backend.shutdown();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a syntax error keeps its line and column (the script goes through a file now)', async () => {
    const d = await bpftraceDryRun('/usr/bin/bpftrace', 'BEGIN { printf("x\\n") }\nBEGIN { @x = ; }');
    expect(d.find((x) => x.severity === 'error')).toMatchObject({ line: 2 });
  });

  it('#include "/dev/zero" is stopped by the memory limit with a message', async () => {
    const d = await bpftraceDryRun('/usr/bin/bpftrace', '#include "/dev/zero"\nBEGIN { exit(); }');
    expect(d).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/needed more than 512 MiB/) })]);
  });

  it('a burst of 20 requests: at most MAX_DRY_RUNS compiles at once, the excess answered "not checked"', async () => {
    let most = 0;
    let mostChildren = 0;
    const sampler = setInterval(() => {
      most = Math.max(most, dryRunsRunning());
      mostChildren = Math.max(mostChildren, childrenOf(process.pid).filter((p) => p.comm === 'bpftrace' || p.comm === 'prlimit').length);
    }, 5);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => backend.impl.diagnose({ source: `BEGIN { @x${i} = count(); exit(); }` })));
    clearInterval(sampler);
    expect(most).toBeLessThanOrEqual(MAX_DRY_RUNS);
    expect(mostChildren).toBeLessThanOrEqual(MAX_DRY_RUNS);
    const busy = answers.filter((a) => a.diagnostics.some((d) => /not checked/.test(d.message)));
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.length - busy.length).toBeGreaterThanOrEqual(MAX_DRY_RUNS);
    console.log(`diagnose burst: 20 requests, at most ${most} compiles at once, ${busy.length} answered "not checked"`);
  });

  it('the same script limit for diagnose and run: over 1 MiB, binary, empty', async () => {
    const big = 'BEGIN { exit(); }\n' + '// filler\n'.repeat(MAX_SCRIPT_BYTES / 10);
    const d = await backend.impl.diagnose({ source: big.slice(0, 1_000_000) + '\u00e9'.repeat(30_000) });
    expect(d.diagnostics).toEqual([{ severity: 'error', message: expect.stringMatching(/at most 1,048,576 \(1 MiB\)/) }]);
    expect(() => backend.engine.run(big, { snapshotMs: 1000, args: [], unsafe: false } as never)).toThrow(RunRefused);
    expect(() => backend.engine.run('BEGIN {\0}', { snapshotMs: 1000, args: [], unsafe: false } as never)).toThrow(/NUL byte/);
    expect(() => backend.engine.run('  \n', { snapshotMs: 1000, args: [], unsafe: false } as never)).toThrow(/empty/);
  });
});
