import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../../../common/contract/index.js';
import { DiagnoseScheduler, diagnosticMarkers } from './diagnostics.js';

describe('diagnostic markers', () => {
  it('maps severities, ranges and hints', () => {
    const src = 'kprobe:vfs_read { @x = count(); }\n';
    const d: Diagnostic[] = [
      { severity: 'error', message: 'no kprobes', line: 1, column: 1, endColumn: 16, hint: 'Use tracepoints' },
      { severity: 'warning', message: 'unused', line: 1, column: 19 },
      { severity: 'error', message: 'no line' },
    ];
    expect(diagnosticMarkers(src, d)).toEqual([
      { severity: 'error', message: 'no kprobes\n\nUse tracepoints', startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 16 },
      { severity: 'warning', message: 'unused', startLineNumber: 1, startColumn: 19, endLineNumber: 1, endColumn: 20 },
    ]);
  });
});

describe('diagnose scheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const calls: string[] = [];
    const resolvers: ((d: Diagnostic[]) => void)[] = [];
    const applied: string[] = [];
    let cleared = 0;
    const s = new DiagnoseScheduler({
      delayMs: 600,
      diagnose: (src) => {
        calls.push(src);
        return new Promise((r) => resolvers.push(r));
      },
      apply: (src) => applied.push(src),
      clear: () => cleared++,
    });
    return { s, calls, resolvers, applied, cleared: () => cleared };
  }

  it('waits for a pause in typing', async () => {
    const t = setup();
    t.s.update('a');
    await vi.advanceTimersByTimeAsync(300);
    t.s.update('ab');
    await vi.advanceTimersByTimeAsync(599);
    expect(t.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.calls).toEqual(['ab']);
    t.resolvers[0]!([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.applied).toEqual(['ab']);
  });

  it('never runs two at once, drops stale answers and asks again for the latest text', async () => {
    const t = setup();
    t.s.update('one');
    await vi.advanceTimersByTimeAsync(600);
    t.s.update('two');
    await vi.advanceTimersByTimeAsync(600);
    expect(t.calls).toEqual(['one']); // still in flight
    t.resolvers[0]!([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.applied).toEqual([]); // 'one' is stale
    expect(t.calls).toEqual(['one', 'two']);
    t.resolvers[1]!([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.applied).toEqual(['two']);
  });

  it('clears at once when the text becomes empty', async () => {
    const t = setup();
    t.s.update('x');
    t.s.update('  ');
    expect(t.cleared()).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.calls).toEqual([]);
  });
});
