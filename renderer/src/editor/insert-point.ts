// Where the probe browser's Insert goes: at the cursor, except when the cursor is in the
// script's header comment (a freshly loaded example puts it at 1:1, above the comment), where
// a probe name would land inside or before the comment; then on its own line right after it.
// When what follows is another probe, the name comes with an empty block of its own: two
// attach points on consecutive lines are a syntax error in bpftrace ("uprobe probe type
// requires 2 arguments"), and joining the next probe's list with a comma would run that
// probe's block (and its args->fields) for the new one too. Pure.

/** The 1-based line after the leading comments and blank lines (1 when the script starts with code). */
export function headerEndLine(source: string): number {
  const lines = source.split('\n');
  let i = 0;
  let inBlock = false;
  for (; i < lines.length; i++) {
    const t = lines[i].trim();
    if (inBlock) {
      if (t.includes('*/')) {
        inBlock = false;
        if (t.slice(t.indexOf('*/') + 2).trim() !== '') break;
      }
      continue;
    }
    if (t === '' || t.startsWith('//') || t.startsWith('#!')) continue;
    if (t.startsWith('/*')) {
      const close = t.indexOf('*/', 2);
      if (close < 0) inBlock = true;
      else if (t.slice(close + 2).trim() !== '') break;
      continue;
    }
    break;
  }
  // Back over trailing blank lines: insert right after the comment, not after the gap.
  let end = i;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  return end + 1;
}

/** The position and text to insert `text` for a cursor at (line, column) with an empty selection. */
export function insertPoint(source: string, line: number, text: string): { line: number; column: number; text: string } | null {
  const header = headerEndLine(source);
  if (header <= 1 || line >= header) return null; // at the cursor
  const lines = source.split('\n');
  if (header > lines.length) return { line: lines.length, column: lines[lines.length - 1].length + 1, text: `\n${text}` };
  const joins = isAttachPoint(text) && startsProbe(lines[header - 1]);
  return { line: header, column: 1, text: joins ? `${text}\n{\n}\n\n` : `${text}\n` };
}

/** One attach point (`type:…`, BEGIN, END), nothing else: no block, no spaces. */
function isAttachPoint(text: string): boolean {
  return /^(?:BEGIN|END|[A-Za-z_][\w-]*:\S*)$/.test(text.trim()) && !/[{}]/.test(text);
}

/** The line starts a probe: an attach point, not a block, a filter or a comment. */
function startsProbe(line: string | undefined): boolean {
  const t = (line ?? '').trim();
  return /^(?:BEGIN|END)\b/.test(t) || /^[A-Za-z_][\w-]*:/.test(t);
}
