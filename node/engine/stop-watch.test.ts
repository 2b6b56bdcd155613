import { describe, expect, it } from 'vitest';
import { StopWatch, formatBytes, stopResult, stopResultMessage, stoppingMessage } from './stop-watch.js';

describe('StopWatch: wait while bpftrace works, escalate when it is quiet', () => {
  it('keeps waiting while stdout grows or CPU is used, far past the quiet deadline', () => {
    const w = new StopWatch({ quietMs: 1000, sigtermMs: 500, maxMs: 60_000 });
    // 30 s of output growing every sample: never escalates.
    for (let at = 250; at <= 30_000; at += 250) expect(w.sample({ at, bytes: at * 100, cpuTicks: null })).toBe('wait');
    expect(w.busy).toBe(true);
    // CPU only (bpftrace 0.17 builds a map's whole line before writing it): still waiting.
    const c = new StopWatch({ quietMs: 1000, sigtermMs: 500, maxMs: 60_000 });
    for (let at = 250; at <= 10_000; at += 250) expect(c.sample({ at, bytes: 0, cpuTicks: at / 10 })).toBe('wait');
  });

  it('quiet for quietMs: SIGTERM, then SIGKILL after sigtermMs', () => {
    const w = new StopWatch({ quietMs: 1000, sigtermMs: 500, maxMs: 60_000 });
    expect(w.sample({ at: 250, bytes: 10, cpuTicks: 5 })).toBe('wait');
    expect(w.sample({ at: 500, bytes: 10, cpuTicks: 5 })).toBe('wait');
    expect(w.sample({ at: 1250, bytes: 10, cpuTicks: 5 })).toBe('sigterm');
    expect(w.sample({ at: 1500, bytes: 10, cpuTicks: 5 })).toBe('wait');
    expect(w.sample({ at: 1750, bytes: 10, cpuTicks: 5 })).toBe('sigkill');
  });

  it('a runaway is stopped at maxMs even while it works', () => {
    const w = new StopWatch({ quietMs: 1000, sigtermMs: 500, maxMs: 2000 });
    expect(w.sample({ at: 1000, bytes: 1, cpuTicks: null })).toBe('wait');
    expect(w.sample({ at: 2000, bytes: 2, cpuTicks: null })).toBe('sigterm');
  });
});

describe('what the user is told', () => {
  it('says what bpftrace is doing and how far it got', () => {
    expect(stoppingMessage(12.4 * 1024 * 1024, true)).toBe('bpftrace is resolving stack symbols: 12 MB so far (Stop again to force; the last snapshot is kept)');
    expect(stoppingMessage(2048, false)).toMatch(/^bpftrace is printing its final maps: 2 KB so far/);
    expect(formatBytes(5 * 1024 * 1024 + 1)).toBe('5.0 MB');
  });

  it('names the result: final, partial, or the last snapshot', () => {
    expect(stopResult({ exitDumpBegan: true, killed: false })).toBe('final');
    expect(stopResult({ exitDumpBegan: true, killed: true })).toBe('partial');
    expect(stopResult({ exitDumpBegan: false, killed: true })).toBe('last-snapshot');
    expect(stopResultMessage('final', ['@'], [], false)).toBeNull();
    expect(stopResultMessage('last-snapshot', [], ['@s'], true)).toBe("Stopped by force before bpftrace's final print: the result of @s is its last snapshot");
    expect(stopResultMessage('partial', ['@n'], ['@s'], false)).toBe("bpftrace was killed (it went quiet, or was killed from outside) during bpftrace's final print: @n printed in full; the result of @s is its last snapshot");
  });
});
