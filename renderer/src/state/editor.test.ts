import { describe, expect, it } from 'vitest';
import { markersFor } from './editor.js';

const src = 'BEGIN\n{   syntax_error\n    printf("x");\n}\n';

describe('markersFor', () => {
  it('marks the columns of an error with a column range', () => {
    const [m] = markersFor(src, [{ type: 'error', t: 0, message: 'syntax error', line: 2, column: 5, endColumn: 9 }], []);
    expect(m).toEqual({
      severity: 'error',
      message: 'syntax error',
      startLineNumber: 2,
      startColumn: 5,
      endLineNumber: 2,
      endColumn: 9,
    });
  });

  it('marks the whole line (from its first non-blank) when there is no column', () => {
    const [m] = markersFor(src, [], [{ type: 'warning', t: 0, message: 'w', line: 3 }]);
    expect(m.severity).toBe('warning');
    expect(m.startColumn).toBe(5);
    expect(m.endColumn).toBe('    printf("x");'.length + 1);
  });

  it('gives a one-column range to a column without end, and clamps stale locations', () => {
    const [a, b] = markersFor(
      src,
      [
        { type: 'error', t: 0, message: 'a', line: 1, column: 3 },
        { type: 'error', t: 0, message: 'b', line: 99, column: 200, endColumn: 300 },
      ],
      [],
    );
    expect([a.startColumn, a.endColumn]).toEqual([3, 4]);
    expect(b.startLineNumber).toBe(5); // last line (empty, after the final newline)
    expect(b.startColumn).toBe(1);
    expect(b.endColumn).toBe(2);
  });

  it('adds the hint to the message and skips problems without a line', () => {
    const ms = markersFor(
      src,
      [
        { type: 'error', t: 0, message: 'no kprobes', line: 1, hint: 'use tracepoints' },
        { type: 'error', t: 0, message: 'bpftrace missing' },
      ],
      [],
    );
    expect(ms).toHaveLength(1);
    expect(ms[0].message).toBe('no kprobes\n\nuse tracepoints');
  });
});

describe('the editor store and its example', () => {
  it('keeps naming the example while it is edited, and forgets it once the editor is emptied', async () => {
    const { useEditor } = await import('./editor.js');
    useEditor.getState().setSource('tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }\n', 'lesson-4');
    expect(useEditor.getState().exampleId).toBe('lesson-4');
    useEditor.getState().setSource('tracepoint:raw_syscalls:sys_enter { @[pid] = count(); }\n');
    expect(useEditor.getState().exampleId).toBe('lesson-4');
    useEditor.getState().setSource('');
    expect(useEditor.getState().exampleId).toBeNull();
    useEditor.getState().setSource('BEGIN { exit(); }\n');
    expect(useEditor.getState().exampleId).toBeNull();
  });
});
