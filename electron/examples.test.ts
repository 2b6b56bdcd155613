import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExamples, parseExample } from './examples.js';

describe('examples', () => {
  it('parses the title and description from the header comment', () => {
    const ex = parseExample('x', '/*\n * Title here\n *\n * Some words.\n */\nBEGIN {}\n');
    expect(ex.title).toBe('Title here');
    expect(ex.description).toBe('Some words.');
    expect(ex.source).toContain('BEGIN {}');
  });

  it('loads the shipped lessons in lesson order, lesson 4 among them', () => {
    const list = loadExamples(path.resolve(__dirname, '../resources/examples'));
    const ids = list.map((e) => e.id);
    expect(ids.indexOf('lesson-2')).toBeLessThan(ids.indexOf('lesson-10'));
    const l4 = list.find((e) => e.id === 'lesson-4')!;
    expect(l4.title).toMatch(/Syscall counts by process/);
    expect(l4.source).toContain('tracepoint:raw_syscalls:sys_enter');
  });

  it('an unreadable directory gives no examples, not a crash', () => {
    expect(loadExamples('/nonexistent/kscope')).toEqual([]);
  });
});
