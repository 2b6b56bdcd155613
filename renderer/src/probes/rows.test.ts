import { describe, expect, it } from 'vitest';
import type { ProbeSummary } from '../../../common/contract/index.js';
import { groupKey, highlightSegments, resultSegments, leafLabel, probesParam, treeRows, typeKey, unavailableText, type TreeType } from './rows.js';

const tp: TreeType = {
  type: 'tracepoint',
  count: 3,
  available: true,
  reason: '',
  alternative: null,
  groups: [
    { name: 'sched', count: 2 },
    { name: 'syscalls', count: 1 },
  ],
};
const kp: TreeType = { type: 'kprobe', count: 1000, available: false, reason: 'no CONFIG_KPROBES', alternative: 'Use tracepoints', groups: [{ name: 'vmlinux', count: 1000 }] };
const begin: TreeType = { type: 'BEGIN', count: 1, available: true, reason: '', alternative: null, groups: [] };
const probe = (name: string, group: string): ProbeSummary => ({ name, type: 'tracepoint', group, available: true });

describe('tree rows', () => {
  it('shows only types when nothing is expanded', () => {
    expect(treeRows([tp, kp, begin], {}, {}).map((r) => r.kind)).toEqual(['type', 'type', 'type']);
  });

  it('expands types into groups and groups into probes, with loading and more rows', () => {
    const expanded = { [typeKey('tracepoint')]: true, [groupKey('tracepoint', 'sched')]: true, [groupKey('tracepoint', 'syscalls')]: true };
    const leaves = {
      [groupKey('tracepoint', 'sched')]: { probes: [probe('tracepoint:sched:sched_switch', 'sched')], total: 2, loading: false, error: null },
    };
    const rows = treeRows([tp], expanded, leaves);
    expect(rows.map((r) => `${r.kind}:${r.depth}`)).toEqual(['type:0', 'group:1', 'probe:2', 'more:2', 'group:1', 'status:2']);
    expect(rows[3]).toMatchObject({ loaded: 1, total: 2, group: 'sched' });
    expect(rows[5]).toMatchObject({ text: 'Loading…' });
  });

  it('lists a type without groups directly', () => {
    const rows = treeRows([begin], { [typeKey('BEGIN')]: true }, {
      [groupKey('BEGIN', null)]: { probes: [{ name: 'BEGIN', type: 'BEGIN', group: 'special', available: true }], total: 1, loading: false, error: null },
    });
    expect(rows.map((r) => `${r.kind}:${r.depth}`)).toEqual(['type:0', 'probe:1']);
  });

  it('reports a failed page', () => {
    const rows = treeRows([kp], { [typeKey('kprobe')]: true, [groupKey('kprobe', 'vmlinux')]: true }, {
      [groupKey('kprobe', 'vmlinux')]: { probes: [], total: 0, loading: false, error: 'boom' },
    });
    expect(rows[2]).toMatchObject({ kind: 'status', error: true, text: 'boom' });
  });
});

describe('labels and highlights', () => {
  it('shortens leaf names under their group', () => {
    expect(leafLabel(probe('tracepoint:sched:sched_switch', 'sched'))).toBe('sched_switch');
    expect(leafLabel({ name: 'kprobe:vfs_read', type: 'kprobe', group: 'vmlinux', available: false })).toBe('vfs_read');
    expect(leafLabel({ name: 'BEGIN', type: 'BEGIN', group: 'special', available: true })).toBe('BEGIN');
  });

  it('splits names into matched runs', () => {
    expect(highlightSegments('sys_enter_open', [4, 5, 6, 13, 99])).toEqual([
      { text: 'sys_', hit: false },
      { text: 'ent', hit: true },
      { text: 'er_ope', hit: false },
      { text: 'n', hit: true },
    ]);
    expect(highlightSegments('abc', undefined)).toEqual([{ text: 'abc', hit: false }]);
    expect(highlightSegments('ab:cd', [1, 3], 3)).toEqual([
      { text: 'a', hit: false, dim: true },
      { text: 'b', hit: true, dim: true },
      { text: ':', hit: false, dim: true },
      { text: 'c', hit: true },
      { text: 'd', hit: false },
    ]);
  });

  it('shows results in full, type and group dim', () => {
    expect(resultSegments({ name: 'tracepoint:sched:sched_switch', matches: [11, 17] })).toEqual([
      { text: 'tracepoint:', hit: false, dim: true },
      { text: 's', hit: true, dim: true },
      { text: 'ched:', hit: false, dim: true },
      { text: 's', hit: true },
      { text: 'ched_switch', hit: false },
    ]);
    expect(resultSegments({ name: 'BEGIN' })).toEqual([{ text: 'BEGIN', hit: false }]);
    expect(resultSegments({ name: 'software:cpu-clock:' })[0]).toEqual({ text: 'software:', hit: false, dim: true });
  });

  it('words unavailability and reads the URL', () => {
    expect(unavailableText('kprobe', 'no CONFIG_KPROBES', 'Use tracepoints')).toBe('kprobe — unavailable: no CONFIG_KPROBES\nUse tracepoints');
    expect(probesParam('', '#token=x&probes=tracepoint%3Asyscalls%3Asys_enter_*')).toBe('tracepoint:syscalls:sys_enter_*');
    expect(probesParam('?probes=vfs', '')).toBe('vfs');
    expect(probesParam('', '#token=x')).toBeNull();
  });
});
