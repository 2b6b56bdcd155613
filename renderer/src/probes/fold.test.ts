import { describe, expect, it } from 'vitest';
import type { ListProbesResult, ProbeTreeResult } from '../../../common/contract/index.js';
import { resultRows, shownProbes } from './fold.js';

const p = (name: string, type: 'tracepoint' | 'kprobe' | 'kfunc', available: boolean) => ({ name, type, group: 'g', available });
const result: ListProbesResult = {
  mode: 'fuzzy',
  total: 52,
  available: 2,
  probes: [p('tracepoint:syscalls:sys_enter_openat', 'tracepoint', true), p('tracepoint:syscalls:sys_exit_openat', 'tracepoint', true), p('kprobe:do_sys_openat2', 'kprobe', false), p('kfunc:do_sys_openat2', 'kfunc', false)],
  suggestions: [],
  notes: [],
  tookMs: 1,
};
const tree = {
  types: [
    { type: 'kprobe', count: 1, available: false, reason: 'CONFIG_KPROBES is not set', alternative: 'use tracepoint:syscalls:sys_enter_* instead', groups: [] },
    { type: 'kfunc', count: 1, available: false, reason: 'the kernel refuses fentry programs', alternative: null, groups: [] },
  ],
  notes: [],
} as unknown as ProbeTreeResult;

describe('folded search results', () => {
  it('shows the available probes, then one line saying why the rest cannot run', () => {
    const rows = resultRows(result, tree, false);
    expect(rows.map((r) => (r.kind === 'probe' ? r.probe.name : `fold ${r.count}`))).toEqual(['tracepoint:syscalls:sys_enter_openat', 'tracepoint:syscalls:sys_exit_openat', 'fold 50']);
    const fold = rows[2] as Extract<(typeof rows)[number], { kind: 'fold' }>;
    expect(fold.types).toEqual(['kprobe', 'kfunc']);
    expect(fold.reason).toBe('CONFIG_KPROBES is not set');
    expect(fold.alternative).toMatch(/tracepoint/);
    expect(shownProbes(result, false)).toBe(2);
  });
  it('unfolded, the unavailable follow the line, keeping their indexes', () => {
    const rows = resultRows(result, tree, true);
    expect(rows.map((r) => (r.kind === 'probe' ? r.index : 'fold'))).toEqual([0, 1, 'fold', 2, 3]);
    expect(shownProbes(result, true)).toBe(4);
  });
  it('no fold line when everything can run', () => {
    const ok = { ...result, total: 2, available: 2, probes: result.probes.slice(0, 2) };
    expect(resultRows(ok, tree, false).every((r) => r.kind === 'probe')).toBe(true);
  });
  it('uprobe/usdt results fold the same way, with the reason and the alternative (a kernel without uprobes)', () => {
    const u = (name: string, type: 'uprobe' | 'usdt') => ({ name, type, group: '/bin/bash', available: false });
    const r: ListProbesResult = { mode: 'glob', total: 2, available: 0, probes: [u('uprobe:/bin/bash:readline', 'uprobe'), u('usdt:/bin/bash:x:y', 'usdt')], suggestions: [], notes: [], tookMs: 1 };
    const t = {
      types: [
        { type: 'uprobe', count: 1, available: false, reason: 'the kernel was built without uprobes', alternative: 'sample user stacks instead: profile:hz:99 { @[ustack] = count(); }', groups: [] },
        { type: 'usdt', count: 1, available: false, reason: 'the kernel was built without uprobes', alternative: null, groups: [] },
      ],
      notes: [],
    } as unknown as ProbeTreeResult;
    const rows = resultRows(r, t, false);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'fold', count: 2, types: ['uprobe', 'usdt'], reason: 'the kernel was built without uprobes' });
    expect((rows[0] as Extract<(typeof rows)[number], { kind: 'fold' }>).alternative).toMatch(/profile:hz:99/);
  });
});
