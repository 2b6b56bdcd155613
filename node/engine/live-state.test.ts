import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../common/contract/index.js';
import { LiveState } from './live-state.js';

describe('the live aggregate', () => {
  it('keeps the latest value of each map and sends only what changed', () => {
    const s = new LiveState(1);
    s.apply([
      { type: 'attached', t: 0, probes: 2 },
      { type: 'map', t: 1, name: '@', entries: [{ key: 'a', value: 1 }], snapshot: true },
      { type: 'map', t: 2, name: '@', entries: [{ key: 'a', value: 5 }], snapshot: true },
      { type: 'hist', t: 2, name: '@h', entries: [{ key: null, buckets: [{ min: 0, max: 1, count: 2 }] }], snapshot: true },
    ]);
    expect(s.attachedProbes).toBe(1); // the injected snapshot probe is not the user's
    const u1 = s.take();
    expect(u1.maps.map((m) => m.name).sort()).toEqual(['@', '@h']);
    expect(u1.maps.find((m) => m.name === '@')).toMatchObject({ entries: [{ key: 'a', value: 5 }] });
    expect(s.hasPending()).toBe(false);
    s.apply([{ type: 'map', t: 3, name: '@', entries: [{ key: 'a', value: 6 }], snapshot: true }]);
    expect(s.take().maps.map((m) => m.name)).toEqual(['@']);
    expect(s.maps.size).toBe(2);
  });

  it('bounds printf lines per update in a flood and counts the rest', () => {
    const s = new LiveState(0, 100);
    const lines: TraceEvent[] = Array.from({ length: 1000 }, (_, i) => ({ type: 'printf', t: i, text: `${i}\n` }));
    s.apply(lines);
    const u = s.take();
    expect(u.printf).toHaveLength(100);
    expect(u.printf[99].text).toBe('999\n'); // the newest are kept
    expect(u.printfSkipped).toBe(900);
    expect(s.printfLines).toBe(1000);
    expect(s.events).toBe(1000);
  });

  it("counts the probes' output as events: printf, print(), the script's map prints; not kscope's snapshots or the exit dump", () => {
    const s = new LiveState(1);
    s.apply([
      { type: 'attached', t: 0, probes: 3 },
      { type: 'printf', t: 1, text: 'a\n' },
      { type: 'map', t: 2, name: '@c', entries: [{ key: null, value: 1 }], snapshot: true, by: 'kscope' },
      { type: 'value', t: 3, value: 42 },
      { type: 'map', t: 4, name: '@s', entries: [{ key: null, value: 9 }], snapshot: true, by: 'script' },
      { type: 'hist', t: 5, name: '@h', entries: [{ key: null, buckets: [{ min: 0, max: 1, count: 2 }] }], snapshot: true, by: 'kscope' },
      { type: 'printf', t: 6, text: 'b\n' },
      { type: 'map', t: 7, name: '@c', entries: [{ key: null, value: 2 }], snapshot: false },
      { type: 'exit', t: 8, code: 0, signal: null },
    ]);
    expect(s.counters().outputEvents).toBe(4);
    // Every decoded event is still counted apart (the recording's line count).
    expect(s.events).toBe(8);
  });

  it('sums lost events and records the exit', () => {
    const s = new LiveState();
    s.apply([
      { type: 'lost', t: 1, events: 3 },
      { type: 'lost', t: 2, events: 4 },
      { type: 'exit', t: 3, code: 0, signal: null },
    ]);
    expect(s.lostEvents).toBe(7);
    expect(s.exit).toEqual({ code: 0, signal: null });
  });
});

describe('stack maps in the live aggregate', () => {
  it('sends a pruned FlameSnapshot instead of the raw map, and answers flameGraph', () => {
    const s = new LiveState(0, 1000, 200, { mapKeysMax: 3 });
    s.apply([
      { type: 'map', t: 5, name: '@', entries: [{ key: '\n  f+1\n  g+2\n,bash', value: 3 }, { key: '\n  h+1\n  g+2\n,bash', value: 1 }], snapshot: false },
      { type: 'map', t: 5, name: '@c', entries: [{ key: 'bash', value: 1 }], snapshot: false },
    ]);
    const u = s.take();
    expect(u.maps.map((m) => m.name)).toEqual(['@c']);
    expect(u.flames).toHaveLength(1);
    expect(u.flames[0]).toMatchObject({ name: '@', total: 4, stacks: 2, keyParts: ['kstack', 'string'], atKeyLimit: false });
    expect(u.flames[0].tree.c![0].n).toBe('bash');
    expect(s.maps.has('@')).toBe(false);
    expect(s.flameGraph('@', 0, ['all', 'bash', 'g']).tree).toEqual({ n: 'g', v: 4, c: [{ n: 'f', v: 3 }, { n: 'h', v: 1 }] });
    expect(s.take().flames).toEqual([]);
    // Reaching the key limit: one warning.
    const entries = ['a', 'b', 'c'].map((k) => ({ key: `\n  ${k}+1\n`, value: 1 }));
    s.apply([{ type: 'map', t: 9, name: '@', entries, snapshot: false }]);
    s.apply([{ type: 'map', t: 10, name: '@', entries, snapshot: false }]);
    const u2 = s.take();
    expect(u2.warnings.map((w) => w.message)).toEqual(['@ reached BPFTRACE_MAP_KEYS_MAX=3: bpftrace dropped further stacks']);
    expect(u2.flames[0].atKeyLimit).toBe(true);
    expect(s.stackKeys).toBe(3);
  });
});
