// The picker's process list and one process's mapped objects, read from the real /proc of a
// process this test starts: sleep through a symlink with a known name (the kernel names the
// process after the path it was exec'd by), so its comm, exe and the libc it maps are known.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKernelThread, listProcesses, mapsPath, parseCmdline, parseStatusUid, processObjects } from './processes.js';

const SLEEP = ['/usr/bin/sleep', '/bin/sleep'].find((p) => fs.existsSync(p));
let dir = '';
let exe = '';
let link = '';
let child: ChildProcess | null = null;

beforeAll(async () => {
  if (!SLEEP) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-proc-'));
  exe = fs.realpathSync(SLEEP);
  link = path.join(dir, 'kscope-sleeper');
  fs.symlinkSync(exe, link);
  // sleep sums its arguments: two of them make a command line of our own.
  child = spawn(link, ['299', '1'], { stdio: 'ignore' });
  // Until it has exec'd, the child is still node's fork.
  const execd = () => {
    try {
      return fs.readlinkSync(`/proc/${child!.pid}/exe`) === exe;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 500 && !execd(); i++) await new Promise((r) => setTimeout(r, 10));
});
afterAll(() => {
  child?.kill('SIGKILL');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('/proc parsing', () => {
  it('a command line as one line, NULs as spaces, long ones cut with an ellipsis', () => {
    expect(parseCmdline(Buffer.from('sleep\x00300\x00'))).toBe('sleep 300');
    expect(parseCmdline('')).toBe('');
    expect(parseCmdline('a'.repeat(20), 10)).toBe(`${'a'.repeat(9)}…`);
  });
  it('the real UID from status, the deleted mark from maps paths', () => {
    expect(parseStatusUid('Name:\tsleep\nUid:\t1000\t1000\t1000\t1000\nGid:\t0\n')).toBe(1000);
    expect(parseStatusUid('Name:\tx\n')).toBeNull();
    expect(isKernelThread(2, 'PPid:\t0\n')).toBe(true);
    expect(isKernelThread(77, 'Name:\tkworker/0:1\nPPid:\t2\n')).toBe(true);
    expect(isKernelThread(500, 'PPid:\t1\n')).toBe(false);
    expect(mapsPath('/usr/lib/libfoo.so (deleted)')).toEqual({ path: '/usr/lib/libfoo.so', deleted: true });
    expect(mapsPath('/usr/lib/libfoo.so')).toEqual({ path: '/usr/lib/libfoo.so', deleted: false });
  });
});

describe.skipIf(!SLEEP)('a real process', () => {
  it('is listed with its name, PID, executable and command line; kernel threads are not', () => {
    const r = listProcesses();
    const me = r.processes.find((p) => p.pid === child!.pid);
    expect(me).toEqual({ pid: child!.pid, comm: 'kscope-sleeper', exe, cmdline: `${link} 299 1`, uid: process.getuid!() });
    // kthreadd (PID 2) has no executable: not offered.
    expect(r.processes.some((p) => p.pid === 2)).toBe(false);
    expect(r.notes.join('\n')).toMatch(/kernel threads not shown/);
  });
  it('maps its executable and the libc it loaded', () => {
    const o = processObjects(child!.pid!);
    expect(o.comm).toBe('kscope-sleeper');
    expect(o.objects[0]).toEqual({ path: exe, kind: 'executable' });
    const libs = o.objects.filter((x) => x.kind === 'library').map((x) => x.path);
    expect(libs.some((p) => /\/libc\.so\.6$/.test(p))).toBe(true);
    expect(libs.some((p) => /\/ld-linux-x86-64\.so\.2$/.test(p))).toBe(true);
    // What the kernel says, nothing more: every object is in its maps.
    const maps = fs.readFileSync(`/proc/${child!.pid}/maps`, 'utf8');
    for (const x of o.objects) expect(maps).toContain(x.path);
  });
  it('a PID that is gone says so', () => {
    expect(() => processObjects(4_000_000)).toThrow(/process 4000000 does not exist/);
  });
});
