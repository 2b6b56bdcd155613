// The printf log's model, independent of the run's length: the view shows `rows` lines
// starting at a position in a sequence (every line of the run, or the lines a filter
// matched), and only those rows exist in the DOM. A virtual list over N items costs O(N)
// per update (TanStack's getMeasurements over every line of the run took 44 % of the
// page's CPU in a 1 M-line flood); this costs O(rows). Pure: no DOM, no React.

/** A query as the user typed it: plain text (case-insensitive) or a regular expression. */
export interface Matcher {
  test(text: string): boolean;
  /** [from, to) character ranges of the matches, for highlighting. */
  ranges(text: string): [number, number][];
}

export function makeMatcher(query: string, regex: boolean): Matcher | { error: string } | null {
  if (!query) return null;
  if (!regex) {
    const needle = query.toLowerCase();
    return {
      test: (t) => t.toLowerCase().includes(needle),
      ranges: (t) => {
        const lower = t.toLowerCase();
        const out: [number, number][] = [];
        for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) out.push([i, i + needle.length]);
        return out;
      },
    };
  }
  let re: RegExp;
  try {
    re = new RegExp(query, 'u');
  } catch (e) {
    return { error: (e as Error).message };
  }
  const global = new RegExp(re.source, 'gu');
  // A printf line ends with its "\n": `$` means the end of the text the user sees.
  const body = (t: string): string => (t.endsWith('\n') ? t.slice(0, -1) : t);
  return {
    test: (t) => re.test(body(t)),
    ranges: (whole) => {
      const t = body(whole);
      const out: [number, number][] = [];
      global.lastIndex = 0;
      for (let m = global.exec(t); m; m = global.exec(t)) {
        if (m[0].length === 0) {
          global.lastIndex++; // an empty match (e.g. /x*/) must not loop forever
          continue;
        }
        out.push([m.index, m.index + m[0].length]);
        if (out.length >= 1000) break;
      }
      return out;
    },
  };
}

/** Text cut into [plain, match, plain, match, ..., plain] by `ranges` (sorted, disjoint). */
export function splitByRanges(text: string, ranges: readonly [number, number][]): string[] {
  const parts: string[] = [];
  let at = 0;
  for (const [a, b] of ranges) {
    parts.push(text.slice(at, a), text.slice(a, b));
    at = b;
  }
  parts.push(text.slice(at));
  return parts;
}

export interface WindowInput {
  /** Lines of the run (numbered 1..total). */
  total: number;
  /** Lines 1..base are not available (a replay shows only the newest); the sequence starts at base+1. */
  base: number;
  /** When filtering: the matching line numbers, ascending. */
  hits: readonly number[] | null;
  /** How many rows fit. */
  rows: number;
  /** Index in the sequence of the first row; null follows the tail. */
  start: number | null;
}

export interface LogWindow {
  /** Line numbers shown, top to bottom (at most `rows`). */
  numbers: number[];
  /** Index in the sequence of the first row. */
  start: number;
  /** Sequence length and the largest start (the tail). */
  length: number;
  maxStart: number;
}

export function logWindow(w: WindowInput): LogWindow {
  const length = w.hits ? w.hits.length : Math.max(0, w.total - w.base);
  const rows = Math.max(1, w.rows);
  const maxStart = Math.max(0, length - rows);
  const start = w.start === null ? maxStart : Math.min(Math.max(0, Math.floor(w.start)), maxStart);
  const end = Math.min(length, start + rows);
  const numbers: number[] = new Array<number>(end - start);
  for (let i = start; i < end; i++) numbers[i - start] = w.hits ? w.hits[i] : w.base + i + 1;
  return { numbers, start, length, maxStart };
}

/** Where line n sits in the sequence (its index, or the index of the first line after it). */
export function indexOfLine(w: Pick<WindowInput, 'base' | 'hits'>, n: number): number {
  if (!w.hits) return Math.max(0, n - w.base - 1);
  let lo = 0;
  let hi = w.hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (w.hits[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export type PageFetch = (start: number, count: number) => Promise<{ index: number; t: number; text: string }[]>;

/** At most this many matches are kept (8 bytes each); the view says when a filter hit it. */
export const MAX_HITS = 1_000_000;

/**
 * A filter over the whole run: scans lines from the start (through the recording, page by
 * page) and then every new line as the run goes on, keeping the numbers of the lines that
 * match. `inWindow` answers lines the page already holds, so a live tail costs no fetch.
 */
export class FilterScan {
  readonly hits: number[] = [];
  /** Lines 1..scanned have been looked at. */
  scanned: number;
  truncated = false;
  error: string | null = null;
  private running = false;
  private cancelled = false;

  constructor(
    readonly matcher: Matcher,
    private readonly fetch: PageFetch | null,
    base: number,
    private readonly pageSize = 5000,
  ) {
    this.scanned = base;
  }

  /**
   * Scan up to line `total`. Lines not in the window and not fetchable (no recording) are
   * skipped and the error is kept. Resolves when caught up (or cancelled); `onProgress`
   * after each page.
   */
  async scanTo(total: number, inWindow: (n: number) => { text: string } | null, onProgress: () => void): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.cancelled && this.scanned < total && !this.truncated) {
        const from = this.scanned + 1;
        const count = Math.min(this.pageSize, total - this.scanned);
        const first = inWindow(from);
        if (first) {
          for (let n = from; n < from + count; n++) {
            const l = inWindow(n);
            if (!l) break;
            this.consider(n, l.text);
            this.scanned = n;
          }
        } else if (this.fetch && !this.error) {
          try {
            const lines = await this.fetch(from - 1, count);
            if (this.cancelled) return;
            for (const l of lines) this.consider(l.index + 1, l.text);
            this.scanned = from - 1 + count;
          } catch (e) {
            this.error = e instanceof Error ? e.message : String(e);
          }
        } else {
          // Not in memory and not readable: skip to the window's first line we have.
          let n = from;
          while (n <= total && !inWindow(n)) n++;
          this.scanned = n - 1;
          if (n > total) break;
        }
        onProgress();
      }
    } finally {
      this.running = false;
    }
  }

  private consider(n: number, text: string): void {
    if (!this.matcher.test(text)) return;
    if (this.hits.length >= MAX_HITS) {
      this.truncated = true;
      return;
    }
    this.hits.push(n);
  }

  cancel(): void {
    this.cancelled = true;
  }
}

/** A selection of line numbers: an anchor and a focus (inclusive), in either order. */
export interface Selection {
  anchor: number;
  focus: number;
}

export function selectionRange(s: Selection): [number, number] {
  return s.anchor <= s.focus ? [s.anchor, s.focus] : [s.focus, s.anchor];
}

/** The most lines one copy takes (read back from the recording if needed). */
export const MAX_COPY_LINES = 100_000;

/**
 * The text of the selected lines, in order (only those the filter shows when one is on):
 * each line's text as bpftrace printed it, ending with its own newline when it had one.
 */
export async function selectionText(
  s: Selection,
  w: Pick<WindowInput, 'base' | 'hits'>,
  line: (n: number) => { text: string } | null,
  fetch: PageFetch | null,
): Promise<{ text: string; lines: number; capped: boolean }> {
  const [a, b] = selectionRange(s);
  const numbers: number[] = [];
  if (w.hits) {
    for (let i = indexOfLine(w, a); i < w.hits.length && w.hits[i] <= b; i++) numbers.push(w.hits[i]);
  } else for (let n = Math.max(a, w.base + 1); n <= b; n++) numbers.push(n);
  const capped = numbers.length > MAX_COPY_LINES;
  const want = capped ? numbers.slice(0, MAX_COPY_LINES) : numbers;
  const texts = new Map<number, string>();
  const missing: number[] = [];
  for (const n of want) {
    const l = line(n);
    if (l) texts.set(n, l.text);
    else missing.push(n);
  }
  // Read what is not in memory in contiguous runs (one readLog per run of lines).
  for (let i = 0; i < missing.length && fetch; ) {
    let j = i;
    while (j + 1 < missing.length && missing[j + 1] === missing[j] + 1 && j - i < 4999) j++;
    const got = await fetch(missing[i] - 1, missing[j] - missing[i] + 1);
    for (const l of got) texts.set(l.index + 1, l.text);
    i = j + 1;
  }
  let text = '';
  for (const n of want) {
    const t = texts.get(n) ?? '';
    text += t.endsWith('\n') ? t : t + '\n';
  }
  return { text, lines: want.length, capped };
}
