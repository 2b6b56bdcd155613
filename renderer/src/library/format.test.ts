import { describe, expect, it } from 'vitest';
import type { RecordingSummary } from '../../../common/contract/index.js';
import { capUsage, exitLabel, filterRecordings, formatBytes, formatSpan, formatStart, scriptLine } from './format.js';

function rec(over: Partial<RecordingSummary>): RecordingSummary {
  return {
    id: 'r1',
    name: 'rec',
    path: '/x/r1.ndjson',
    script: 'BEGIN { }',
    startedAt: '2026-11-25T10:00:00.000Z',
    durationMs: 1000,
    events: 10,
    printfLines: 0,
    lostEvents: 0,
    exit: { code: 0, signal: null },
    interrupted: false,
    running: false,
    problem: null,
    bytes: 100,
    maps: [],
    stackMaps: [],
    origin: 'run',
    example: null,
    ...over,
  };
}

describe('library formatting', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
    expect(formatBytes(-1)).toBe('–');
  });

  it('formats spans from milliseconds to hours', () => {
    expect(formatSpan(850)).toBe('850 ms');
    expect(formatSpan(12_340)).toBe('12.3 s');
    expect(formatSpan(245_000)).toBe('4 m 05 s');
    expect(formatSpan(7_380_000)).toBe('2 h 03 m');
  });

  it('formats a start time relative to now', () => {
    const now = new Date(2026, 10, 25, 15, 0, 0);
    expect(formatStart(new Date(2026, 10, 25, 14, 3, 22).toISOString(), now)).toBe('14:03:22');
    expect(formatStart(new Date(2026, 10, 24, 9, 15, 0).toISOString(), now)).toBe('yesterday 09:15');
    expect(formatStart(new Date(2026, 10, 20, 9, 15, 0).toISOString(), now)).toBe('2026-11-20 09:15');
    expect(formatStart('not a date', now)).toBe('not a date');
  });

  it('says how a recording ended', () => {
    expect(exitLabel(rec({}))).toEqual({ text: 'exit 0', tone: 'ok' });
    expect(exitLabel(rec({ exit: { code: 1, signal: null } }))).toEqual({ text: 'exit 1', tone: 'bad' });
    expect(exitLabel(rec({ exit: { code: null, signal: 'SIGINT' } }))).toEqual({ text: 'SIGINT', tone: 'signal' });
    expect(exitLabel(rec({ exit: null, interrupted: true }))).toEqual({ text: '—', tone: 'none' });
    expect(exitLabel(rec({ origin: 'folded', exit: null }))).toEqual({ text: 'imported', tone: 'none' });
    expect(exitLabel(rec({ exit: null, running: true }))).toEqual({ text: 'running', tone: 'none' });
  });

  it('shows the first meaningful line of a script', () => {
    expect(scriptLine('// count syscalls\n\ntracepoint:raw_syscalls:sys_enter { @[comm] = count(); }')).toBe('tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }');
    expect(scriptLine('#!/usr/bin/bpftrace\nprofile:hz:99 { @[kstack] = count(); }')).toBe('profile:hz:99 { @[kstack] = count(); }');
    expect(scriptLine('x'.repeat(200))).toHaveLength(120);
  });

  it('filters by every word, over name, script, maps and tags, keeping the order', () => {
    const items = [
      rec({ id: 'a', name: 'syscalls before fix', maps: ['@'] }),
      rec({ id: 'b', name: 'profile', script: 'profile:hz:99 { @[kstack] = count(); }', stackMaps: ['@'], maps: ['@'] }),
      rec({ id: 'c', name: 'crashed run', interrupted: true, exit: null }),
      rec({ id: 'd', name: 'imported', origin: 'folded', script: '' }),
      rec({ id: 'e', name: 'lossy', lostEvents: 12, maps: ['@bytes'] }),
      rec({ id: 'f', name: 'now', running: true, exit: null }),
      rec({ id: 'g', name: 'future', problem: 'format 2 is newer than this kscope reads (1)' }),
    ];
    const ids = (q: string) => filterRecordings(items, q).map((r) => r.id);
    expect(ids('')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(ids('running')).toEqual(['f']);
    expect(ids('unreadable')).toEqual(['g']);
    expect(ids('newer')).toEqual(['g']);
    expect(ids('SYSCALLS')).toEqual(['a']);
    expect(ids('kstack')).toEqual(['b']);
    expect(ids('flame')).toEqual(['b']);
    expect(ids('interrupted')).toEqual(['c']);
    expect(ids('folded')).toEqual(['d']);
    expect(ids('lost @bytes')).toEqual(['e']);
    expect(ids('lost profile')).toEqual([]);
  });

  it('reports the use of the cap', () => {
    expect(capUsage(512 * 1024, 1024 ** 3).text).toBe('512 KiB of 1.0 GiB (0.0%)');
    const full = capUsage(950 * 1024 * 1024, 1024 ** 3);
    expect(full.nearlyFull).toBe(true);
    expect(full.fraction).toBeCloseTo(950 / 1024, 5);
    expect(capUsage(10, 0).text).toBe('10 B (no cap)');
  });
});
