// The name an import gets in the library when the user gives none: where it came from, what
// it is and when, so two imports never read alike ("perf.out · perf script · 2026-12-04
// 22:05:31"), and a name already taken gets " (2)", " (3)", … Pure.
import type { ImportFormat } from '../contract/index.js';

const FORMAT_NAME: Record<ImportFormat, string> = {
  folded: 'folded stacks',
  perf: 'perf script',
  'bpftrace-text': 'bpftrace text',
};

/** The last part of a path ("/tmp/a/out.folded" → "out.folded"; a browser gives only that part). */
function baseName(from: string): string {
  const parts = from.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? from;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Local date and time to the second: "2026-12-04 22:05:31". */
export function localStamp(at: Date): string {
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

export function importName(opts: { from?: string | null; format: ImportFormat; at: Date }): string {
  const from = opts.from && opts.from !== '-' ? baseName(opts.from).slice(0, 120) : opts.from === '-' ? 'stdin' : 'pasted text';
  return `${from} · ${FORMAT_NAME[opts.format]} · ${localStamp(opts.at)}`;
}

/** `name`, or `name (N)` with the smallest N ≥ 2 no other recording is called. */
export function distinctName(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(name)) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!used.has(candidate)) return candidate;
  }
}
