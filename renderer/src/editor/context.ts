// Where the cursor is in a bpftrace script, for completion and hover: at top level typing
// a probe spec, in a filter or an action block (and under which probe), in a comment or a
// string. A small hand scanner, pure and tested; bpftrace itself is the real parser.
import { expandAlias } from './reference.js';

export type ScanState = 'top' | 'filter' | 'block' | 'comment' | 'string';

export interface Scan {
  state: ScanState;
  /** Brace depth (1 inside a probe's action block). */
  depth: number;
  /**
   * The probe list of the enclosing block or filter (comments and filters removed); at
   * top level, the probe list typed so far since the previous block.
   */
  header: string;
  /** Offset of the `{` that opens the enclosing probe's action block (-1 outside one). */
  blockStart: number;
}

const PATH_CHAR = /[\w.*\-+[\]]/;

/** Scan `source` up to `offset` (exclusive) and say where that is. */
export function scan(source: string, offset: number): Scan {
  const end = Math.max(0, Math.min(offset, source.length));
  let depth = 0;
  let inFilter = false;
  let lineComment = false;
  let blockComment = false;
  let inString = false;
  let header = '';
  let frozen = '';
  let lineStart = true;
  let blockStart = -1;
  let i = 0;
  while (i < end) {
    const c = source[i]!;
    const n = source[i + 1] ?? '';
    if (lineComment) {
      if (c === '\n') {
        lineComment = false;
        lineStart = true;
        if (depth === 0 && !inFilter) header += '\n';
      }
      i++;
      continue;
    }
    if (blockComment) {
      if (c === '*' && n === '/') {
        blockComment = false;
        i += 2;
        if (depth === 0 && !inFilter) header += ' ';
        continue;
      }
      i++;
      continue;
    }
    if (inString) {
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '"' || c === '\n') inString = false;
      i++;
      continue;
    }
    if (c === '/' && n === '/') {
      lineComment = true;
      i += 2;
      continue;
    }
    if (c === '/' && n === '*') {
      blockComment = true;
      i += 2;
      continue;
    }
    const atLineStart = lineStart;
    if (c === '\n') lineStart = true;
    else if (c !== ' ' && c !== '\t' && c !== '\r') lineStart = false;

    if (depth === 0 && !inFilter) {
      if (atLineStart && c === '#') {
        // Preprocessor line (#include <linux/sched.h>): not part of any probe list.
        const nl = source.indexOf('\n', i);
        i = nl < 0 || nl >= end ? end : nl;
        header = '';
        continue;
      }
      if (c === '{') {
        depth = 1;
        blockStart = i;
        frozen = header;
      } else if (c === '}') {
        header = '';
      } else if (c === '/') {
        const prev = source[i - 1] ?? ' ';
        const token = /[^\s,]*$/.exec(header)?.[0] ?? '';
        if (token.includes(':') && !/\s/.test(prev) && PATH_CHAR.test(n)) header += c;
        else {
          inFilter = true;
          frozen = header;
        }
      } else if (c === '"') {
        inString = true;
      } else {
        header += c;
      }
    } else if (depth === 0 && inFilter) {
      if (c === '"') inString = true;
      else if (c === '/') inFilter = false;
    } else {
      if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          header = '';
          frozen = '';
          blockStart = -1;
        }
      }
    }
    i++;
  }
  const state: ScanState =
    lineComment || blockComment ? 'comment' : inString ? 'string' : depth > 0 ? 'block' : inFilter ? 'filter' : 'top';
  return { state, depth, header: state === 'block' || state === 'filter' ? frozen : header, blockStart: depth > 0 ? blockStart : -1 };
}

/** The probe specs of a probe list (`a:b:c, d:e:f /filter/`), aliases expanded. */
export function probeSpecs(header: string): string[] {
  return header
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter((t) => t === 'BEGIN' || t === 'END' || /^[A-Za-z]+:/.test(t))
    .map(expandAlias);
}

export const hasWildcard = (spec: string) => /[*?[\]{}]/.test(spec);

export interface ProbeInScope {
  spec: string;
  /** Every spec of the list had a wildcard: `spec` is a pattern, resolve it to one probe. */
  wildcard: boolean;
}

/** The probe whose block or filter contains the offset: the first concrete spec of its list. */
export function probeInScope(source: string, offset: number): ProbeInScope | null {
  const s = scan(source, offset);
  if (s.state !== 'block' && s.state !== 'filter') return null;
  return pickProbe(s.header);
}

export function pickProbe(header: string): ProbeInScope | null {
  const specs = probeSpecs(header);
  const concrete = specs.find((sp) => !hasWildcard(sp));
  if (concrete) return { spec: concrete, wildcard: false };
  return specs[0] ? { spec: specs[0], wildcard: true } : null;
}

export type CompletionContext =
  | { kind: 'none' }
  /** A probe spec being typed at top level; `start` is the offset where it begins. */
  | { kind: 'probe'; prefix: string; start: number }
  /** `args->` / `args.` in a block or filter: the fields of `probe`. */
  | { kind: 'field'; probe: ProbeInScope | null; prefix: string; accessor: '->' | '.'; start: number }
  /**
   * After `->` / `.` on anything but a plain `args` (`curtask->`, `$t->mm->`, a cast):
   * a struct's members, found by member-access.ts from `offset`.
   */
  | { kind: 'member'; probe: ProbeInScope | null; offset: number }
  /** Code in a block or filter: builtins, functions, variables. */
  | { kind: 'code'; prefix: string; start: number; probe: ProbeInScope | null };

export function completionContext(source: string, offset: number): CompletionContext {
  const s = scan(source, offset);
  const before = source.slice(0, offset);
  if (s.state === 'comment' || s.state === 'string') return { kind: 'none' };
  if (s.state === 'top') {
    const token = /[^\s,{}]*$/.exec(before)?.[0] ?? '';
    if (token.startsWith('@') || token.startsWith('$')) return { kind: 'none' };
    return { kind: 'probe', prefix: token, start: offset - token.length };
  }
  const probe = pickProbe(s.header);
  const field = /\bargs(->|\.)\s*(\w*)$/.exec(before);
  if (field) {
    const prefix = field[2]!;
    return { kind: 'field', probe, prefix, accessor: field[1] as '->' | '.', start: offset - prefix.length };
  }
  if (/(->|\.)\s*\w*$/.test(before)) return { kind: 'member', probe, offset };
  const word = /[$@]?\w*$/.exec(before)?.[0] ?? '';
  return { kind: 'code', prefix: word, start: offset - word.length, probe };
}

/** The probe spec under the offset, when it is in a top-level probe list. */
export function probeSpecAt(source: string, offset: number): { spec: string; start: number; end: number } | null {
  const s = scan(source, offset);
  if (s.state !== 'top') return null;
  const left = /[^\s,{}]*$/.exec(source.slice(0, offset))?.[0] ?? '';
  const right = /^[^\s,{}]*/.exec(source.slice(offset))?.[0] ?? '';
  let spec = left + right;
  const start = offset - left.length;
  // A filter glued to the spec (kprobe:f/pid == 1/) is not part of it.
  const slash = spec.search(/\/(?![\w.*\-+])/);
  if (slash > 0) spec = spec.slice(0, slash);
  if (!(spec === 'BEGIN' || spec === 'END' || /^[A-Za-z]+:/.test(spec))) return null;
  return { spec, start, end: start + spec.length };
}

/**
 * What to ask the catalog for while a spec is typed: the type list (no colon yet), the
 * groups of a type (`tracepoint:sch`), or the probes under a prefix (`tracepoint:sched:`).
 */
export type ProbeQuery =
  | { kind: 'types'; typed: string }
  | { kind: 'groups'; type: string; typed: string }
  | { kind: 'probes'; type: string; pattern: string; dir: string };

const GROUPED = new Set(['tracepoint', 'uprobe', 'uretprobe', 'usdt']);

export function probeQuery(prefix: string): ProbeQuery {
  const colon = prefix.indexOf(':');
  if (colon < 0) return { kind: 'types', typed: prefix };
  const type = expandAlias(prefix.slice(0, colon) + ':').slice(0, -1);
  const rest = prefix.slice(colon + 1);
  const lastColon = prefix.lastIndexOf(':');
  if (GROUPED.has(type) && !rest.includes(':')) return { kind: 'groups', type, typed: rest };
  const dir = prefix.slice(0, lastColon + 1);
  return { kind: 'probes', type, pattern: `${expandAlias(prefix)}*`, dir };
}
