// Shared pieces of the importers: problems with line numbers, a line splitter that takes
// chunks (so a 35 MB file never has to be one string), bpftrace-shaped stack keys, and the
// binary-input check. Pure: no I/O.
import type { TraceEvent } from '../api/index.js';

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
  private rest = '';
  private n = 0;

  constructor(private readonly onLine: (text: string, lineNo: number) => void) {}

  push(chunk: string): void {
    let text = chunk;
    if (this.rest) {
      text = this.rest + chunk;
      this.rest = '';
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.onLine(text.slice(start, end), ++this.n);
      start = nl + 1;
    }
    if (start < text.length) this.rest = text.slice(start);
  }

  end(): void {
    if (this.rest) {
      const r = this.rest;
      this.rest = '';
      this.onLine(r.endsWith('\r') ? r.slice(0, -1) : r, ++this.n);
    }
  }

  get lines(): number {
    return this.n;
  }
}

/** Indentation bpftrace puts before each frame of a kstack key. */
export const FRAME_INDENT = '    ';

/**
 * A stack map key the way bpftrace prints it (and electron/engine/stacks.ts reads it):
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
