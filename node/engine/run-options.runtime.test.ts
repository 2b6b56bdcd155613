// Runtime tier: the run options bpftrace has, through the engine, on the real bpftrace:
// positional parameters reach $1..$N, -c CMD runs and traces a command (the run ends with
// it), -p PID attaches to one process (and ends when it exits), and a duration stops a run.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { engineForSuite, runtimeSkipReason } from '../../test/support/engine-suite.js';
import { ofType, runToEnd } from '../../test/support/runtime.js';

const why = runtimeSkipReason();
if (why) console.warn(`skipping run-options runtime tests: ${why}`);

describe.skipIf(why !== null)('run options on real bpftrace', () => {
  const suite = engineForSuite('kscope-runopts-');

  it('positional parameters reach $1 and $2 exactly (spaces and a leading dash kept)', async () => {
    const r = await runToEnd(suite.engine, 'BEGIN { printf("[%s] [%s] %d\\n", str($1), str($2), $#); exit(); }', { args: ['two words', '-o x'] });
    expect(ofType(r.events, 'error')).toEqual([]);
    expect(ofType(r.events, 'printf').map((e) => e.text)).toEqual(['[two words] [-o x] 2\n']);
    expect((r.recording.header.options as { args: string[] }).args).toEqual(['two words', '-o x']);
  });

  it('-c CMD runs the command and the run ends when it exits; cpid is its pid', async () => {
    const r = await runToEnd(suite.engine, 'BEGIN { printf("child %d\\n", cpid); }', { command: '/bin/sleep 0.3' });
    expect(ofType(r.events, 'error')).toEqual([]);
    const line = ofType(r.events, 'printf').map((e) => e.text)[0];
    expect(line).toMatch(/^child [1-9]\d*\n$/);
    expect(ofType(r.events, 'exit')[0].code).toBe(0);
  });

  it('-p PID traces that process only, and the run ends when it exits', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 1.5; echo done > /dev/null'], { stdio: 'ignore' });
    try {
      const r = await runToEnd(suite.engine, 'tracepoint:syscalls:sys_enter_wait4 /pid == $1/ { @waits = count(); } END { printf("bye\\n"); }', {
        pid: child.pid!,
        args: [String(child.pid)],
      });
      expect(ofType(r.events, 'error')).toEqual([]);
      expect(ofType(r.events, 'printf').map((e) => e.text)).toEqual(['bye\n']);
      expect((r.recording.header.options as { pid?: number }).pid).toBe(child.pid);
    } finally {
      child.kill();
    }
  });

  it('a duration stops an ordinary run', async () => {
    const r = await runToEnd(suite.engine, 'interval:ms:100 { @ticks = count(); }', { durationSec: 1 });
    const exit = ofType(r.events, 'exit')[0];
    expect(exit).toBeDefined();
    const maps = ofType(r.events, 'map').filter((m) => m.name === '@ticks');
    expect(maps.length).toBeGreaterThan(0);
  });
});
