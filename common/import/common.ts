// Shared pieces of the importers: problems with line numbers, a line splitter that takes
// chunks (so a 35 MB file never has to be one string), bpftrace-shaped stack keys, and the
// binary-input check. Pure: no I/O.
import type { TraceEvent } from '../contract/index.js';

export interface ImportProblem {
  /** 1-based line of the input the problem starts at. */
  line: number;
  reason: string;
}

export interface ParseResult {
  events: TraceEvent[];
  problems: ImportProblem[];
}

/** A parser fed line by line; `finish` returns what it made of the whole input. */
export interface LineParser {
  line(text: string, lineNo: number): void;
  finish(): ParseResult;
}

/** At most this many problems are listed one by one; the rest are counted in one last entry. */
export const MAX_LISTED_PROBLEMS = 200;

export class Problems {
  readonly list: ImportProblem[] = [];
  private omitted = 0;
  private firstOmitted = 0;

  add(line: number, reason: string): void {
    if (this.list.length < MAX_LISTED_PROBLEMS) this.list.push({ line, reason });
    else if (this.omitted++ === 0) this.firstOmitted = line;
  }

  get count(): number {
    return this.list.length + this.omitted;
  }

  done(): ImportProblem[] {
    if (this.omitted === 0) return this.list;
    return [...this.list, { line: this.firstOmitted, reason: `${this.omitted} more problems from this line on (not listed)` }];
  }
}

/**
 * Splits chunks into lines (LF or CRLF; the CR is dropped) and hands them on with their
 * 1-based numbers. A line cut between two chunks is joined before it is handed on.
 */
export class LineSplitter {
  /**
   * The start of a line not finished yet, as the pieces it came in. Only each new chunk is
   * searched for "\n", and the pieces are joined once, when the line ends: linear in a
   * line's length (joining `rest + chunk` and searching the whole of it again for every
   * chunk made a 300 MB line take 37 s).
   */
  private parts: string[] = [];
  private n = 0;

  constructor(private readonly onLine: (text: string, lineNo: number) => void) {}

  push(chunk: string): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      let line = chunk.slice(start, nl);
      if (this.parts.length > 0) {
        this.parts.push(line);
        line = this.parts.join('');
        this.parts = [];
      }
      this.emit(line);
      start = nl + 1;
    }
    if (start < chunk.length) this.parts.push(start === 0 ? chunk : chunk.slice(start));
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, ++this.n);
  }

  end(): void {
    if (this.parts.length > 0) {
      const r = this.parts.join('');
      this.parts = [];
      if (r) this.emit(r);
    }
  }

  get lines(): number {
    return this.n;
  }
}

/** Indentation bpftrace puts before each frame of a kstack key. */
export const FRAME_INDENT = '    ';

/**
 * A stack map key the way bpftrace prints it (and common/profile/stacks.ts reads it):
 * "\n" + one indented frame a line, leaf first + "\n", then the other key parts joined by
 * ",": e.g. "\n    f+1\n    g+2\n,bash". A blank frame is an indented line of spaces, which
 * the engine reads as a blank frame.
 */
export function stackKey(leafFirst: readonly string[], groups: readonly string[] = []): string {
  let key = '\n';
  for (const f of leafFirst) key += FRAME_INDENT + f + '\n';
  for (const g of groups) key += ',' + g;
  return key;
}

/**
 * Why a text is not something to import (empty, binary), or null when it may be. Binary:
 * NUL bytes, or many U+FFFD (bytes that were not UTF-8), or many control characters.
 */
export function unreadableText(text: string): string | null {
  if (text.trim().length === 0) return 'the input is empty';
  const n = Math.min(text.length, 64 * 1024);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return 'the input is binary data (it has NUL bytes), not text: expected folded stacks, perf script output or bpftrace text output';
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 27)) bad++;
  }
  if (bad > n / 20) return 'the input is binary data (not UTF-8 text): expected folded stacks, perf script output or bpftrace text output';
  return null;
}

/** A JSON-friendly number from text like "12", "-3", "1.5"; NaN when it is not one. */
export function parseCount(s: string): number {
  // Not Number() alone: Number('') is 0, Number(' 1') is 1, Number('0x1f') is 31.
  if (!COUNT.test(s)) return NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}
const COUNT = /^[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$/;
