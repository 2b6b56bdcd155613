// A table as text for the clipboard: TSV (spreadsheets) and Markdown (issues, notes). Pure.
// Values are written exactly as held (no thousands separators, no rounding); keys keep every
// character: in TSV a tab, newline or backslash is escaped (\t, \n, \\) since TSV has no
// quoting, and in Markdown a pipe is escaped and a newline becomes <br>.

export interface CopyColumn<R> {
  title: string;
  value: (row: R) => string | number | null;
  /** Right-aligned in Markdown (numbers). */
  numeric?: boolean;
}

const tsvCell = (v: string | number | null) => (v === null ? '' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n'));

export function toTsv<R>(rows: readonly R[], columns: readonly CopyColumn<R>[]): string {
  const lines = [columns.map((c) => tsvCell(c.title)).join('\t')];
  for (const r of rows) lines.push(columns.map((c) => tsvCell(c.value(r))).join('\t'));
  return lines.join('\n') + '\n';
}

const mdCell = (v: string | number | null) => (v === null ? '' : String(v).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>'));

export function toMarkdown<R>(rows: readonly R[], columns: readonly CopyColumn<R>[]): string {
  const lines = [`| ${columns.map((c) => mdCell(c.title)).join(' | ')} |`, `|${columns.map((c) => (c.numeric ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const r of rows) lines.push(`| ${columns.map((c) => mdCell(c.value(r))).join(' | ')} |`);
  return lines.join('\n') + '\n';
}
