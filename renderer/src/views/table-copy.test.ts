import { describe, expect, it } from 'vitest';
import { toMarkdown, toTsv, type CopyColumn } from './table-copy.js';

interface Row {
  key: string | null;
  value: number;
}
const cols: CopyColumn<Row>[] = [
  { title: 'key', value: (r) => r.key },
  { title: 'value', value: (r) => r.value, numeric: true },
];
// Keys as bpftrace prints them: a tuple with a comma, a stack with newlines, a comm with a tab and a pipe.
const rows: Row[] = [
  { key: 'bash,2', value: 1234567 },
  { key: '\n  f+1\n  g+2\n', value: 123456789012345 },
  { key: 'a\tb|c\\d', value: 0.5 },
  { key: null, value: 3 },
];

describe('table copy', () => {
  it('TSV: exact values, every key character kept through escapes', () => {
    expect(toTsv(rows, cols)).toBe('key\tvalue\nbash,2\t1234567\n\\n  f+1\\n  g+2\\n\t123456789012345\na\\tb|c\\\\d\t0.5\n\t3\n');
    // One line per row, one tab per column gap: a spreadsheet reads it as 2 columns.
    expect(toTsv(rows, cols).trim().split('\n').every((l) => l.split('\t').length === 2)).toBe(true);
  });
  it('Markdown: a table with numbers right-aligned, pipes escaped, newlines as <br>', () => {
    const md = toMarkdown(rows, cols).split('\n');
    expect(md[0]).toBe('| key | value |');
    expect(md[1]).toBe('| --- | ---: |');
    expect(md[2]).toBe('| bash,2 | 1234567 |');
    expect(md[3]).toBe('| <br>  f+1<br>  g+2<br> | 123456789012345 |');
    expect(md[4]).toBe('| a\tb\\|c\\\\d | 0.5 |');
  });
});
