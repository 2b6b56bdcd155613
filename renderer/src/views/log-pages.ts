// The printf log beyond the in-memory window: pages of lines read back from the recording
// (readLog), kept in a small LRU so memory stays bounded however long the run. Pure except
// for the fetch function it is given.

export interface LogLine {
  /** 1-based line number in the run. */
  n: number;
  t: number;
  text: string;
}

export const PAGE = 500;
/** Pages kept (PAGE × MAX_PAGES lines at most, besides the live window). */
export const MAX_PAGES = 10;

export type FetchPage = (start: number, count: number) => Promise<{ index: number; t: number; text: string }[]>;

export class LogPages {
  private pages = new Map<number, LogLine[]>();
  private loading = new Set<number>();
  error: string | null = null;

  constructor(
    private readonly fetch: FetchPage,
    private readonly onLoaded: () => void,
  ) {}

  /** Line n (1-based) if its page is here; otherwise asks for the page and returns null. */
  get(n: number): LogLine | null {
    const p = Math.floor((n - 1) / PAGE);
    const page = this.pages.get(p);
    if (page) {
      // refresh LRU order
      this.pages.delete(p);
      this.pages.set(p, page);
      return page[n - 1 - p * PAGE] ?? null;
    }
    this.load(p);
    return null;
  }

  get size(): number {
    return this.pages.size;
  }

  private load(p: number): void {
    if (this.loading.has(p) || this.error) return;
    this.loading.add(p);
    this.fetch(p * PAGE, PAGE).then(
      (lines) => {
        this.loading.delete(p);
        this.pages.set(
          p,
          lines.map((l) => ({ n: l.index + 1, t: l.t, text: l.text })),
        );
        while (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value!);
        this.onLoaded();
      },
      (e: unknown) => {
        this.loading.delete(p);
        this.error = e instanceof Error ? e.message : String(e);
        this.onLoaded();
      },
    );
  }
}

/** The window line with number n (lines sorted by n, maybe with gaps), by binary search. */
export function findLine<L extends { n: number }>(lines: readonly L[], n: number): L | null {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = lines[mid].n;
    if (v === n) return lines[mid];
    if (v < n) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

/** Text split around case-insensitive matches of `q` (odd parts are matches). */
export function splitMatches(text: string, q: string): string[] {
  if (!q) return [text];
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    const i = lower.indexOf(needle, at);
    if (i < 0) break;
    parts.push(text.slice(at, i), text.slice(i, i + needle.length));
    at = i + needle.length;
  }
  parts.push(text.slice(at));
  return parts;
}

/** Search the whole run page by page; returns matching line numbers (at most `limit`). */
export async function searchRun(fetch: FetchPage, total: number, q: string, limit = 10_000, pageSize = 5000): Promise<number[]> {
  const needle = q.toLowerCase();
  const hits: number[] = [];
  for (let start = 0; start < total && hits.length < limit; start += pageSize) {
    const lines = await fetch(start, Math.min(pageSize, total - start));
    for (const l of lines) if (l.text.toLowerCase().includes(needle) && hits.length < limit) hits.push(l.index + 1);
  }
  return hits;
}
