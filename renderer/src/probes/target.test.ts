import { describe, expect, it } from 'vitest';
import { filterProcesses, MAX_RECENT, targetLabel, targetParams, withRecent } from './target.js';

const proc = (pid: number, comm: string, exe: string | null, cmdline = '') => ({ pid, comm, exe, cmdline, uid: 0 });

describe('the probe target picker', () => {
  it('recent binaries: newest first, each once, at most MAX_RECENT', () => {
    expect(withRecent(['/a', '/b'], '/b')).toEqual(['/b', '/a']);
    const many = Array.from({ length: MAX_RECENT }, (_, i) => `/bin/${i}`);
    const r = withRecent(many, '/new');
    expect(r).toHaveLength(MAX_RECENT);
    expect(r[0]).toBe('/new');
    expect(r).not.toContain(`/bin/${MAX_RECENT - 1}`);
  });
  it('filters processes by every word over name, PID, executable and command line', () => {
    const list = [proc(10, 'sleep', '/usr/bin/sleep', 'sleep 300'), proc(42, 'bash', '/usr/bin/bash', '-bash'), proc(77, 'node', null, 'node server.js')];
    expect(filterProcesses(list, '').map((p) => p.pid)).toEqual([10, 42, 77]);
    expect(filterProcesses(list, 'SLEEP').map((p) => p.pid)).toEqual([10]);
    expect(filterProcesses(list, '42').map((p) => p.pid)).toEqual([42]);
    expect(filterProcesses(list, 'node server').map((p) => p.pid)).toEqual([77]);
    expect(filterProcesses(list, 'usr/bin bash').map((p) => p.pid)).toEqual([42]);
    expect(filterProcesses(list, 'nothing')).toEqual([]);
  });
  it('names the target and asks the host for its object or its process', () => {
    const lib = { binary: '/usr/lib/x86_64-linux-gnu/libc.so.6', pid: 42, comm: 'sleep' };
    expect(targetLabel(lib)).toBe('libc.so.6 of sleep (PID 42)');
    expect(targetParams(lib)).toEqual({ binary: '/usr/lib/x86_64-linux-gnu/libc.so.6' });
    expect(targetLabel({ binary: null, pid: 42, comm: 'sleep' })).toBe('all mapped objects of sleep (PID 42)');
    expect(targetParams({ binary: null, pid: 42, comm: 'sleep' })).toEqual({ pid: 42 });
    expect(targetLabel({ binary: '/bin/bash', pid: null, comm: null })).toBe('bash');
    expect(targetParams(null)).toEqual({});
  });
});
