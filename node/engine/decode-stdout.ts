// bpftrace `-f json` stdout decoder: NDJSON lines → TraceEvents. Pure and streaming.
//
// Tested on real output of bpftrace 0.17 (Debian 12), 0.23 and 0.27 (test/fixtures/bpftrace-*).
// Keeps everything bpftrace printed: repeated keys (json-exact, repeated-keys), bytes
// escaped as \uffffffXX (bpftrace-bytes), integers beyond 2^53 (api/exact-int), 0.23's
// twice-escaped map keys. Never throws on input:
// non-JSON lines become printf text, unknown record types become a warning plus a value.
import type { Bucket, HistEvent, MapEvent, StatsEvent, StatsValue, TraceEvent } from '../../common/contract/index.js';
import { snapshotBeginMarker, snapshotEndMarker, snapshotExitMarker } from './inject-snapshot.js';
import { isExactInt, type ExactInt } from '../../common/contract/exact-int.js';
import { restoreBytes } from './bpftrace-bytes.js';
import { mergeRepeatedKeys } from '../../common/bpftrace/repeated-keys.js';
import { field, isJsonObject, parseExact, type JsonObject, type JsonValue } from './json-exact.js';


type Entry<V> = { key: string | null; value: V };

/** Mutable decoding state shared by consecutive lines of one run. */
export interface DecodeState {
  /** The snapshot markers' text (without newline), or null when no snapshot probe was injected. */
  begin: string | null;
  end: string | null;
  /** Between a begin and an end marker. */
  inSnapshot: boolean;
  /** Maps printed in the current snapshot window (a repeat means we left the window). */
  seenInSnapshot: Set<string>;
  /** Types already reported as not understood (one warning per type). */
  warnedTypes: Set<string>;
  /** kscope's END marker (printed just before the exit dump), or null. */
  exit: string | null;
  /** Raw blank lines seen (0.17 and 0.23 write two just before the exit dump). */
  blankLines: number;
  /** bpftrace's exit dump has begun: its maps are the final result, not snapshots. */
  exitDump: boolean;
  /** bpftrace 0.23 prints map keys JSON-escaped twice: unescape them once more. */
  doubleEscapedKeys: boolean;
  /** Maps already warned about for repeated keys (one warning per map). */
  warnedDuplicates: Set<string>;
  /** Maps whose repeated stack keys combine by min() or max() (the script says), not by adding. */
  combine: Map<string, 'min' | 'max'>;
}

/**
 * Whether this bpftrace version escapes map keys twice in `-f json` ("\\n    frame+4").
 * Measured on 0.23.2 (Debian trixie); 0.17 and 0.27.1 escape once. Other versions are
 * assumed to escape once until measured (unescaping a correct key would corrupt it).
 */
export function escapesMapKeysTwice(version: string | null | undefined): boolean {
  const m = version ? /(\d+)\.(\d+)/.exec(version) : null;
  return !!m && m[1] === '0' && m[2] === '23';
}

export function newDecodeState(fence: string | null = null, bpftraceVersion: string | null = null, combine: Map<string, 'min' | 'max'> = new Map()): DecodeState {
  return {
    begin: fence ? snapshotBeginMarker(fence) : null,
    end: fence ? snapshotEndMarker(fence) : null,
    inSnapshot: false,
    seenInSnapshot: new Set(),
    warnedTypes: new Set(),
    exit: fence ? snapshotExitMarker(fence) : null,
    blankLines: 0,
    exitDump: false,
    doubleEscapedKeys: escapesMapKeysTwice(bpftraceVersion),
    warnedDuplicates: new Set(),
    combine,
  };
}

const PRINTF_PREFIX = '{"type": "printf", "data": ';
const PRINTF_PREFIX_LEN = PRINTF_PREFIX.length;
const SNAP_PREFIX = '__kscope_snap_';

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return NaN;
}

/** An integer field in exact form (0.27 prints big ones as strings, json-exact keeps big bare ones as text). */
function exact(v: unknown): ExactInt {
  if (isExactInt(v)) return v;
  return num(v);
}

/** Plain JS value of a parsed record part (objects become Records; used for `value` and raw output). */
function plain(v: JsonValue): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (isJsonObject(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.entries) if (!(k in o)) o[k] = plain(x);
    return o;
  }
  return v;
}

/** Printf text, unless it is one of our fence markers (then null, and the state moves). */
function printfText(text: string, t: number, state: DecodeState | undefined): TraceEvent | null {
  if (state && state.begin !== null && text.startsWith(SNAP_PREFIX)) {
    const bare = text.endsWith('\n') ? text.slice(0, -1) : text;
    if (bare === state.begin) {
      state.inSnapshot = true;
      state.seenInSnapshot.clear();
      return null;
    }
    if (bare === state.end) {
      state.inSnapshot = false;
      state.seenInSnapshot.clear();
      return null;
    }
    if (bare === state.exit) {
      state.exitDump = true;
      return null;
    }
  }
  return { type: 'printf', t, text };
}

function snapshotFlag(name: string, state: DecodeState | undefined): boolean {
  // With kscope's probes in the script (a fence), every print before bpftrace's exit dump is
  // a snapshot, whoever printed it (see print-plan.ts): no lossy marker decides it.
  if (!state || state.begin === null) return false;
  if (state.inSnapshot) state.seenInSnapshot.add(name);
  return !state.exitDump;
}

/** bpftrace 0.17 prints hist()'s [2G, 4G) bucket with int32-overflowed bounds (-2147483648, 0). */
const OVERFLOWED_MIN = -2147483648;

function toBuckets(v: unknown): Bucket[] | null {
  if (!Array.isArray(v)) return null;
  const out: Bucket[] = [];
  for (const b of v) {
    if (!isJsonObject(b)) return null;
    const bucket: Bucket = { count: num(field(b, 'count')) };
    const min = field(b, 'min');
    const max = field(b, 'max');
    if (min !== undefined) bucket.min = exact(min);
    if (max !== undefined) bucket.max = exact(max);
    const prev = out[out.length - 1];
    if (bucket.min === OVERFLOWED_MIN && bucket.max === 0 && (prev === undefined || prev.max === 2147483647)) {
      // Mended to what bpftrace's own text output says for the same bucket: [2G, 4G).
      bucket.min = 2147483648;
      bucket.max = 4294967295;
    }
    out.push(bucket);
  }
  return out;
}

function isStatsValue(v: unknown): boolean {
  if (!isJsonObject(v) || v.entries.length !== 3) return false;
  const keys = v.entries.map((e) => e[0]);
  return keys.includes('count') && keys.includes('average') && keys.includes('total');
}

function toStatsValue(v: JsonValue): StatsValue | ExactInt {
  if (isStatsValue(v) && isJsonObject(v)) return { count: exact(field(v, 'count')), average: exact(field(v, 'average')), total: exact(field(v, 'total')) };
  return exact(v);
}

/** Decode one map-like record (`map`, `hist`, `stats`, `tseries`) into events. */
function decodeMaps(type: string, data: JsonValue | undefined, t: number, state: DecodeState | undefined, out: TraceEvent[]): boolean {
  if (!isJsonObject(data)) return false;
  for (const [name, v] of data.entries) {
    let ev: MapEvent | HistEvent | StatsEvent;
    if (type === 'hist') {
      const entries: HistEvent['entries'] = [];
      const scalar = toBuckets(v);
      if (scalar) entries.push({ key: null, buckets: scalar });
      else if (isJsonObject(v)) {
        for (const [key, b] of v.entries) entries.push({ key, buckets: toBuckets(b) ?? [] });
      } else return false;
      ev = { type: 'hist', t, name, entries, snapshot: false };
    } else if (type === 'stats') {
      const entries: StatsEvent['entries'] = [];
      if (isJsonObject(v) && !isStatsValue(v)) {
        for (const [key, x] of v.entries) entries.push({ key, value: toStatsValue(x) });
      } else entries.push({ key: null, value: toStatsValue(v) });
      ev = { type: 'stats', t, name, entries, snapshot: false };
    } else {
      // 'map' and 'tseries' (a tseries value is the array of {interval_start, value}).
      // An object value is a keyed map; anything else (number, string, tuple array) is a
      // scalar map's value.
      const entries: Entry<unknown>[] = [];
      if (isJsonObject(v)) {
        for (const [key, x] of v.entries) entries.push({ key, value: plain(x) });
      } else entries.push({ key: null, value: plain(v) });
      ev = { type: 'map', t, name, entries, snapshot: false };
    }
    const dups = mergeRepeatedKeys(ev, state?.combine.get(name) ?? 'sum');
    if (dups.length > 0) {
      ev.duplicateKeys = dups;
      if (!state || !state.warnedDuplicates.has(name)) {
        state?.warnedDuplicates.add(name);
        const shown = dups.slice(0, 3).map((k) => JSON.stringify(k)).join(', ');
        out.push({
          type: 'warning',
          t,
          message: `bpftrace printed the key${dups.length > 1 ? 's' : ''} ${shown}${dups.length > 3 ? ` and ${dups.length - 3} more` : ''} of ${name} more than once (tuple parts containing commas print alike); kscope keeps each as its own entry`,
        });
      }
    }
    ev.snapshot = snapshotFlag(name, state);
    out.push(ev);
  }
  return true;
}

function location(o: JsonObject): { line?: number; column?: number } {
  const loc: { line?: number; column?: number } = {};
  const line = field(o, 'line');
  const col = field(o, 'col');
  if (typeof line === 'number' && line > 0) loc.line = line;
  if (typeof col === 'number' && col > 0) loc.column = col;
  return loc;
}

function stringData(d: unknown): string {
  return typeof d === 'string' ? d : JSON.stringify(d);
}

function notUnderstood(o: JsonObject, why: string, t: number, state: DecodeState | undefined, out: TraceEvent[]): void {
  const ty = field(o, 'type');
  const type = typeof ty === 'string' ? ty : '(no type)';
  const tag = `${type}:${why}`;
  if (!state || !state.warnedTypes.has(tag)) {
    state?.warnedTypes.add(tag);
    out.push({ type: 'warning', t, message: `kscope did not understand bpftrace output "${type}" (${why}); shown as a raw value` });
  }
  out.push({ type: 'value', t, value: plain(o) });
}

/** A count field of attached_probes/lost_events: data.{name} (0.17+) or the top-level count (0.24+). */
function countOf(o: JsonObject, d: JsonValue | undefined, name: string): number {
  const inner = isJsonObject(d) ? field(d, name) : undefined;
  return inner !== undefined ? num(inner) : num(field(o, 'count'));
}

/** Decode one parsed JSON record. */
function decodeObject(o: JsonValue, line: string, t: number, state: DecodeState | undefined, out: TraceEvent[]): void {
  const type = isJsonObject(o) ? field(o, 'type') : undefined;
  if (typeof type !== 'string' || !isJsonObject(o)) {
    // Valid JSON but not a bpftrace record (e.g. a program run by system() printed JSON).
    out.push({ type: 'printf', t, text: restoreBytes(line) + '\n' });
    return;
  }
  const d = field(o, 'data');
  switch (type) {
    case 'join': {
      // bpftrace ends a join() line with a newline in text mode; -f json leaves it out.
      const ev = printfText(stringData(plain(d ?? '')) + '\n', t, state);
      if (ev) out.push(ev);
      return;
    }
    case 'printf':
    case 'time':
    case 'cat':
    case 'syscall': {
      const ev = printfText(stringData(plain(d ?? '')), t, state);
      if (ev) out.push(ev);
      return;
    }
    case 'value':
      out.push({ type: 'value', t, value: plain(d ?? null) });
      return;
    case 'map':
    case 'hist':
    case 'stats':
    case 'tseries':
      if (!decodeMaps(type, d, t, state, out)) notUnderstood(o, 'unexpected data shape', t, state, out);
      return;
    case 'attached_probes': {
      const n = countOf(o, d, 'probes');
      if (Number.isNaN(n)) notUnderstood(o, 'no probe count', t, state, out);
      else out.push({ type: 'attached', t, probes: n });
      return;
    }
    case 'lost_events': {
      const n = countOf(o, d, 'events');
      if (Number.isNaN(n)) notUnderstood(o, 'no event count', t, state, out);
      else out.push({ type: 'lost', t, events: n });
      return;
    }
    case 'errorf':
    case 'runtime_error':
    case 'print_error':
      out.push({ type: 'error', t, message: stringData(plain(field(o, 'msg') ?? d ?? '')), ...location(o) });
      return;
    case 'helper_error': {
      const h = field(o, 'helper');
      const r = field(o, 'retcode');
      const helper = typeof h === 'string' ? `${h}: ` : '';
      const rc = typeof r === 'number' ? ` (${r})` : '';
      out.push({ type: 'error', t, message: `${helper}${stringData(plain(field(o, 'msg') ?? ''))}${rc}`, ...location(o) });
      return;
    }
    case 'warnf':
      out.push({ type: 'warning', t, message: stringData(plain(field(o, 'msg') ?? d ?? '')), ...location(o) });
      return;
    case 'benchmark_results':
    case 'benchmark_result':
    case 'test_result':
      out.push({ type: 'value', t, value: plain(o) });
      return;
    default:
      notUnderstood(o, 'unknown type', t, state, out);
  }
}

/** Decode one line into `out` (0, 1 or more events). */
export function decodeLineInto(line: string, t: number, state: DecodeState | undefined, out: TraceEvent[]): void {
  if (line.length === 0) return;
  if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1); // \r
  // Fast path: the printf record, by far the most common line.
  if (line.startsWith(PRINTF_PREFIX) && line.charCodeAt(line.length - 1) === 125 /* } */) {
    try {
      const text: unknown = JSON.parse(line.slice(PRINTF_PREFIX_LEN, -1));
      if (typeof text === 'string') {
        const ev = printfText(restoreBytes(text), t, state);
        if (ev) out.push(ev);
        return;
      }
    } catch {
      // Not the plain shape: fall through to the full parse.
    }
  }
  const first = line.charCodeAt(0);
  if (first !== 123 /* { */) {
    if (line.trim() === '') {
      // bpftrace (0.17, 0.23) prints two blank lines before the exit dump, straight to stdout
      // (not through the lossy perf buffer): with kscope's probes in, they start the exit dump.
      if (state && state.begin !== null && ++state.blankLines >= 2) state.exitDump = true;
      return;
    }
    out.push({ type: 'printf', t, text: line + '\n' });
    return;
  }
  let o: JsonValue;
  try {
    // Map keys sit at depth 2: {"type": "map", "data": {"@name": {KEY: value}}}.
    o = parseExact(line, { doubleEscapedKeyDepth: state?.doubleEscapedKeys ? 2 : null });
  } catch {
    out.push({ type: 'printf', t, text: line + '\n' });
    return;
  }
  decodeObject(o, line, t, state, out);
}

/** Decode one NDJSON line. Returns the first event it gives (most lines give exactly one). */
export function decodeLine(line: string, t: number, state?: DecodeState): TraceEvent | null {
  const out: TraceEvent[] = [];
  decodeLineInto(line, t, state, out);
  return out[0] ?? null;
}

export class StdoutDecoder {
  readonly state: DecodeState;
  private rest = '';

  constructor(opts?: { fence?: string | null; bpftraceVersion?: string | null; combine?: Map<string, 'min' | 'max'> }) {
    this.state = newDecodeState(opts?.fence ?? null, opts?.bpftraceVersion ?? null, opts?.combine);
  }

  /** Feed a decoded text chunk (may end mid-line); t = ms since run start. */
  push(chunk: string, t: number): TraceEvent[] {
    const out: TraceEvent[] = [];
    const buf = this.rest.length > 0 ? this.rest + chunk : chunk;
    let start = 0;
    let nl = buf.indexOf('\n', start);
    const st = this.state;
    while (nl !== -1) {
      if (nl > start) {
        decodeLineInto(buf.slice(start, nl), t, st, out);
        st.blankLines = 0;
      } else if (st.begin !== null && ++st.blankLines >= 2) st.exitDump = true; // see decodeLineInto
      start = nl + 1;
      nl = buf.indexOf('\n', start);
    }
    this.rest = start < buf.length ? buf.slice(start) : '';
    return out;
  }

  /**
   * Drop a trailing partial JSON record (bpftrace was killed mid-print: a torn fragment of a
   * map must not become a printf line). Returns its length in bytes of text, 0 when none.
   */
  dropTornTail(): number {
    const r = this.rest;
    if (r.length === 0 || r.charCodeAt(0) !== 123 /* { */) return 0;
    try {
      JSON.parse(r);
      return 0;
    } catch {
      this.rest = '';
      return r.length;
    }
  }

  /** End of stream: decode a trailing partial line if any. */
  end(t: number): TraceEvent[] {
    const out: TraceEvent[] = [];
    if (this.rest.length > 0) decodeLineInto(this.rest, t, this.state, out);
    this.rest = '';
    return out;
  }
}
