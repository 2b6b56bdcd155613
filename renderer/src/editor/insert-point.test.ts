import { describe, expect, it } from 'vitest';
import { headerEndLine, insertPoint } from './insert-point.js';

const lesson = '/*\n * Lesson 4\n *\n */\ntracepoint:raw_syscalls:sys_enter\n{\n  @[comm] = count();\n}\n';

describe('insert point', () => {
  it('finds the end of a header comment', () => {
    expect(headerEndLine(lesson)).toBe(5);
    expect(headerEndLine('// a\n// b\n\nBEGIN {}\n')).toBe(3);
    expect(headerEndLine('BEGIN {}\n')).toBe(1);
    expect(headerEndLine('#!/usr/bin/env bpftrace\n/* x */ BEGIN {}\n')).toBe(2);
  });
  it('moves an insert at 1:1 (or inside the header) to just after the comment', () => {
    // Above the lesson's probe: a probe of its own, with an empty block (bpftrace needs one).
    expect(insertPoint(lesson, 1, 'tracepoint:sched:sched_switch')).toEqual({ line: 5, column: 1, text: 'tracepoint:sched:sched_switch\n{\n}\n\n' });
    expect(insertPoint(lesson, 1, 'uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:malloc')?.text).toBe('uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:malloc\n{\n}\n\n');
    expect(insertPoint(lesson.replace('tracepoint:raw_syscalls:sys_enter', 'BEGIN'), 1, 'END')?.text).toBe('END\n{\n}\n\n');
    // Not an attach point (a snippet with a block), or code that is not a probe: its own line.
    expect(insertPoint(lesson, 3, 'x')).toEqual({ line: 5, column: 1, text: 'x\n' });
    expect(insertPoint(lesson, 1, 'BEGIN { exit(); }')?.text).toBe('BEGIN { exit(); }\n');
    expect(insertPoint('/* h */\n{ }\n', 1, 'BEGIN')?.text).toBe('BEGIN\n');
    expect(insertPoint(lesson, 6, 'x')).toBeNull();
    expect(insertPoint('BEGIN {}\n', 1, 'x')).toBeNull();
    // A script that is only a comment: at its end.
    expect(insertPoint('/* only */', 1, 'x')).toEqual({ line: 1, column: 11, text: '\nx' });
  });
});
