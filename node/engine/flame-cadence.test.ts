import { describe, expect, it } from 'vitest';
import { injectSnapshotWithStacks, stackMapsInSource, stackPrintIntervalMs } from './flame-cadence.js';

describe('stack maps and their print cadence', () => {
  it('finds stack maps and their key parts in a script', () => {
    const m = stackMapsInSource('profile:hz:99 /pid == 1/ { @[kstack, ustack, comm] = count(); @n[comm] = count(); @u[ustack(5), pid] = count(); }');
    expect([...m.entries()]).toEqual([
      ['@', ['kstack', 'ustack', 'string']],
      ['@u', ['ustack', 'number']],
    ]);
    expect(stackMapsInSource('tracepoint:sched:sched_switch { @[kstack] = count(); } // @x[kstack] = count()').size).toBe(1);
  });

  it('leaves stack maps out of the injected snapshot probe', () => {
    const r = injectSnapshotWithStacks('profile:hz:99 { @s[kstack] = count(); @c[comm] = count(); }', { intervalMs: 200, fence: 'abc' });
    expect(r.maps).toEqual(['@c']);
    expect(r.source).toContain('print(@c)');
    expect(r.source).not.toContain('print(@s)');
    expect(r.stackMaps.has('@s')).toBe(true);
    const only = injectSnapshotWithStacks('profile:hz:99 { @[kstack] = count(); }', { intervalMs: 200, fence: 'abc' });
    expect(only.injectedProbes).toBe(0);
    expect(only.stackMaps.size).toBe(1);
  });

  it('slows down as the stack map grows, within bounds', () => {
    expect(stackPrintIntervalMs(200, 0)).toBe(1000);
    expect(stackPrintIntervalMs(200, 50_000)).toBe(6000);
    expect(stackPrintIntervalMs(2000, 10)).toBe(2001);
    expect(stackPrintIntervalMs(200, 1_000_000)).toBe(10_000);
  });

  it('slows down when a print changed few of its keys, and keeps the size cadence when many changed', () => {
    expect(stackPrintIntervalMs(200, 50_000, null)).toBe(6000);
    expect(stackPrintIntervalMs(200, 50_000, 0.6)).toBe(6000);
    expect(stackPrintIntervalMs(200, 50_000, 0.25)).toBe(6000);
    expect(stackPrintIntervalMs(200, 50_000, 0.13)).toBe(12_000);
    expect(stackPrintIntervalMs(200, 50_000, 0.01)).toBe(18_000);
    expect(stackPrintIntervalMs(200, 50_000, 0)).toBe(18_000);
    expect(stackPrintIntervalMs(200, 1_000_000, 0)).toBe(30_000);
    expect(stackPrintIntervalMs(200, 0, 0)).toBe(3000);
  });
});
