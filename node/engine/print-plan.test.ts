import { describe, expect, it } from 'vitest';
import type { MapEvent, TraceEvent } from '../../common/contract/index.js';
import { StdoutDecoder } from './decode-stdout.js';
import { attributePrints, hasEndProbe, hasSignalProbe, mapsTheScriptPrints, planSnapshots } from './print-plan.js';

const IDIOM = 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); @total = count(); }\ninterval:s:1 { print(@, 5); clear(@); }\n';
const PROFILE = 'profile:hz:99 { @s[kstack] = count(); @n[comm] = count(); }';

describe('planSnapshots', () => {
  it('never injects a map the script prints or clears itself (the interval idiom)', () => {
    const p = planSnapshots(IDIOM, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.27.1' });
    expect(p.scriptPrints).toEqual(['@']);
    expect(p.intervalMaps).toEqual(['@total']);
    expect(p.source).not.toMatch(/print\(@\); /);
    expect(p.source).toContain('print(@total); ');
    expect(p.exitMarker).toBe(true);
    expect(p.source).toContain('END { printf("__kscope_snap_abc_exit__\\n"); }');
    expect(p.injectedProbes).toBe(2);
    // 0.17 and 0.23 mark the exit dump with blank lines: no END probe needed.
    expect(planSnapshots(IDIOM, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.17.0' }).exitMarker).toBe(false);
    expect(planSnapshots(IDIOM, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.23.2' }).injectedProbes).toBe(1);
  });

  it('stack maps: SIGUSR1 on 0.17, a self:signal probe on 0.22+, an interval probe on 0.17 when the script prints maps itself', () => {
    const v17 = planSnapshots(PROFILE, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.17.0' });
    expect(v17.stackPrint).toBe('sigusr1');
    expect(v17.source).not.toContain('self:signal');
    expect(v17.intervalMaps).toEqual(['@n']);
    for (const v of ['0.23.2', '0.27.1']) {
      const p = planSnapshots(PROFILE, { intervalMs: 200, fence: 'abc', bpftraceVersion: v });
      expect(p.stackPrint).toBe('signal-probe');
      expect(p.source).toMatch(/self:signal:SIGUSR1 \{ printf\("__kscope_snap_abc_begin__\\n"\); print\(@s\); printf\("__kscope_snap_abc_end__\\n"\); \}/);
      expect(p.injectedProbes).toBe(v === '0.27.1' ? 3 : 2);
    }
    const mixed = planSnapshots(`${PROFILE} interval:s:1 { print(@n); }`, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.17.0' });
    expect(mixed.stackPrint).toBe('interval');
    expect(mixed.source).toMatch(/interval:ms:1000 \{ printf\("__kscope_snap_abc_begin__\\n"\); print\(@s\);/);
  });

  it('adds the END marker only where needed and allowed (no blank lines after 0.23; one END before 0.27)', () => {
    const withEnd = 'BEGIN { @a = count(); } END { print(@a); }';
    expect(planSnapshots('BEGIN { printf("hi\\n"); exit(); }', { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.27.1' }).injectedProbes).toBe(0);
    expect(planSnapshots(withEnd, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.25.0' }).exitMarker).toBe(false);
    expect(hasEndProbe(withEnd)).toBe(true);
    expect(hasEndProbe('BEGIN { printf("END {"); } // END {')).toBe(false);
    expect(hasEndProbe('interval:s:1, END { exit(); }')).toBe(true);
    expect(planSnapshots(withEnd, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.17.0' }).exitMarker).toBe(false);
    expect(planSnapshots(withEnd, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.23.2' }).exitMarker).toBe(false);
    expect(planSnapshots(withEnd, { intervalMs: 200, fence: 'abc', bpftraceVersion: '0.27.1' }).exitMarker).toBe(true);
    // No periodic snapshots: only the marker.
    const off = planSnapshots(PROFILE, { intervalMs: 0, fence: 'abc', bpftraceVersion: '0.27.1' });
    expect([off.intervalMaps, off.stackPrint, off.injectedProbes]).toEqual([[], null, 1]);
  });

  it('finds print/clear/zero of maps, not lookalikes in strings or other names', () => {
    expect(mapsTheScriptPrints('i:s:1 { print(@a, 5); clear(@b); zero( @c ); reprint(@d); printf("print(@e)"); print(@a); }')).toEqual(['@a', '@b', '@c']);
    expect(hasSignalProbe('0.17.0')).toBe(false);
    expect(hasSignalProbe('0.22.0')).toBe(true);
    expect(hasSignalProbe(null)).toBe(false);
  });
});

/** bpftrace 0.17's real shape: markers, two blank lines, then the exit dump. */
const f = 'abcdefabcdef';
const pf = (s: string) => `{"type": "printf", "data": "${s}\\n"}`;
const line = (name: string, v: number) => `{"type": "map", "data": {"${name}": ${v}}}`;

function decode(lines: string[]): MapEvent[] {
  const d = new StdoutDecoder({ fence: f });
  const evs: TraceEvent[] = [...d.push(lines.join('\n') + '\n', 0), ...d.end(1)];
  attributePrints(evs, new Set(['@mine']));
  return evs.filter((e): e is MapEvent => e.type === 'map');
}

describe('snapshot flags and whose print, robust to lost markers', () => {
  it('true for every print before the exit dump (fenced, unfenced SIGUSR1, the script\'s), false after bpftrace\'s blank lines', () => {
    const evs = decode([pf(`__kscope_snap_${f}_begin__`), line('@a', 1), pf(`__kscope_snap_${f}_end__`), line('@a', 2), line('@mine', 7), '', '', line('@a', 3), line('@mine', 8)]);
    expect(evs.map((e) => [e.name, e.snapshot, e.by])).toEqual([
      ['@a', true, 'kscope'],
      ['@a', true, 'kscope'], // a SIGUSR1 dump (no fence on 0.17)
      ['@mine', true, 'script'],
      ['@a', false, undefined],
      ['@mine', false, undefined],
    ]);
  });

  it('a lost begin or end marker (perf buffer full) changes nothing; the END marker starts the exit dump on 0.27', () => {
    const lostBegin = decode([line('@a', 1), pf(`__kscope_snap_${f}_end__`), line('@a', 2), pf(`__kscope_snap_${f}_exit__`), line('@a', 3)]);
    expect(lostBegin.map((e) => e.snapshot)).toEqual([true, true, false]);
    const lostEnd = decode([pf(`__kscope_snap_${f}_begin__`), line('@a', 1), line('@mine', 5), line('@a', 2), pf(`__kscope_snap_${f}_exit__`), line('@a', 3), line('@mine', 5)]);
    expect(lostEnd.map((e) => e.snapshot)).toEqual([true, true, true, false, false]);
  });
});
