// Which importable format a text is, from its first lines. Pure and the same everywhere:
// the host decides with it, and the Import dialog shows its guess beside "auto" with it.
import type { ImportFormat } from '../contract/index.js';
import { parseBucketLine } from './bpftrace-text.js';
import { unreadableText } from './common.js';
import { isPerfHeader, perfFrame } from './perf-script.js';

const FOLDED_LINE = /^\S.*\s[+-]?\d+(?:\.\d*)?$/;
const BPFTRACE_LINE = /^(?:\^C)?(?:@[A-Za-z0-9_]*(?:\[|:)|Attach(?:ing|ed) \d+ probes?)/;
/** How many non-empty lines detection looks at. */
const DETECT_LINES = 400;

/** What a text is, from its first lines; null when it is none of the importable formats. */
export function detectImportFormat(text: string): ImportFormat | null {
  if (unreadableText(text) !== null) return null;
  const lines: string[] = [];
  let start = 0;
  while (lines.length < DETECT_LINES && start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const l = text.slice(start, nl).replace(/\r$/, '');
    if (l.trim() !== '') lines.push(l);
    start = nl + 1;
  }
  if (lines.length === 0) return null;
  let perfHeaders = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!isPerfHeader(lines[i])) continue;
    perfHeaders++;
    if (i + 1 < lines.length && /^\s/.test(lines[i + 1]) && perfFrame(lines[i + 1]) !== null && !isPerfHeader(lines[i + 1])) return 'perf';
  }
  // `perf script` without call graphs: every line a header ending in its sampled frame.
  if (perfHeaders >= 2 && perfHeaders >= lines.length * 0.9) return 'perf';
  let folded = 0;
  for (const l of lines) {
    if (BPFTRACE_LINE.test(l) || (parseBucketLine(l.trim()) && /\|/.test(l))) return 'bpftrace-text';
    if (l.charCodeAt(0) !== 35 && FOLDED_LINE.test(l)) folded++;
  }
  if (folded > 0 && folded >= lines.length / 2) return 'folded';
  return null;
}
