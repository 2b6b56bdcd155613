// bpftrace `-f json` stdout decoder: NDJSON lines → TraceEvents. Pure and streaming.
//
// Handles bpftrace 0.17 (Debian 12) and the 0.24–0.26 shapes (see
// test/fixtures/bpftrace-0.26/README.md for the sources). Never throws on input:
// non-JSON lines become printf text, unknown record types become a warning plus a value.
import type { Bucket, HistEvent, MapEvent, StatsEvent, StatsValue, TraceEvent } from '../api/index.js';
import { snapshotBeginMarker, snapshotEndMarker, snapshotExitMarker } from './inject-snapshot.js';

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
}

export function newDecodeState(fence: string | null = null): DecodeState {
  return {
    begin: fence ? snapshotBeginMarker(fence) : null,
    end: fence ? snapshotEndMarker(fence) : null,
    inSnapshot: false,
    seenInSnapshot: new Set(),
    warnedTypes: new Set(),
    exit: fence ? snapshotExitMarker(fence) : null,
    blankLines: 0,
    exitDump: false,
  };
}

const PRINTF_PREFIX = '{"type": "printf", "data": ';
const PRINTF_PREFIX_LEN = PRINTF_PREFIX.length;
const SNAP_PREFIX = '__kscope_snap_';

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return NaN;
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

function toBuckets(v: unknown): Bucket[] | null {
  if (!Array.isArray(v)) return null;
  const out: Bucket[] = [];
  for (const b of v) {
    if (!isObject(b)) return null;
    const bucket: Bucket = { count: num(b.count) };
    if (b.min !== undefined) bucket.min = num(b.min);
    if (b.max !== undefined) bucket.max = num(b.max);
    out.push(bucket);
  }
  return out;
}

function isStatsValue(v: unknown): v is StatsValue {
  return isObject(v) && 'count' in v && 'average' in v && 'total' in v && Object.keys(v).length === 3;
}

function toStatsValue(v: unknown): StatsValue | number {
  if (isStatsValue(v)) return { count: num(v.count), average: num(v.average), total: num(v.total) };
  return num(v);
}

/** Decode one map-like record (`map`, `hist`, `stats`, `tseries`) into events. */
function decodeMaps(type: string, data: unknown, t: number, state: DecodeState | undefined, out: TraceEvent[]): boolean {
  if (!isObject(data)) return false;
  for (const name of Object.keys(data)) {
    const v = data[name];
    if (type === 'hist') {
      const entries: HistEvent['entries'] = [];
      const scalar = toBuckets(v);
      if (scalar) entries.push({ key: null, buckets: scalar });
      else if (isObject(v)) {
        for (const key of Object.keys(v)) entries.push({ key, buckets: toBuckets(v[key]) ?? [] });
      } else return false;
      out.push({ type: 'hist', t, name, entries, snapshot: snapshotFlag(name, state) });
    } else if (type === 'stats') {
      const entries: StatsEvent['entries'] = [];
      if (isObject(v) && !isStatsValue(v)) {
        for (const key of Object.keys(v)) entries.push({ key, value: toStatsValue(v[key]) });
      } else entries.push({ key: null, value: toStatsValue(v) });
      out.push({ type: 'stats', t, name, entries, snapshot: snapshotFlag(name, state) });
    } else {
      // 'map' and 'tseries' (a tseries value is the array of {interval_start, value}).
      // An object value is a keyed map; anything else (number, string, tuple array) is a
      // scalar map's value.
      const entries: Entry<unknown>[] = [];
      if (isObject(v)) {
        for (const key of Object.keys(v)) entries.push({ key, value: v[key] });
      } else entries.push({ key: null, value: v });
      const ev: MapEvent = { type: 'map', t, name, entries, snapshot: snapshotFlag(name, state) };
      out.push(ev);
    }
  }
  return true;
}

function location(o: JsonObject): { line?: number; column?: number } {
  const loc: { line?: number; column?: number } = {};
  if (typeof o.line === 'number' && o.line > 0) loc.line = o.line;
  if (typeof o.col === 'number' && o.col > 0) loc.column = o.col;
  return loc;
}

function stringData(d: unknown): string {
  return typeof d === 'string' ? d : JSON.stringify(d);
}

function notUnderstood(o: JsonObject, why: string, t: number, state: DecodeState | undefined, out: TraceEvent[]): void {
  const type = typeof o.type === 'string' ? o.type : '(no type)';
  const tag = `${type}:${why}`;
  if (!state || !state.warnedTypes.has(tag)) {
    state?.warnedTypes.add(tag);
    out.push({ type: 'warning', t, message: `kscope did not understand bpftrace output "${type}" (${why}); shown as a raw value` });
  }
  out.push({ type: 'value', t, value: o });
}

/** Decode one parsed JSON record. */
function decodeObject(o: unknown, line: string, t: number, state: DecodeState | undefined, out: TraceEvent[]): void {
  if (!isObject(o) || typeof o.type !== 'string') {
    // Valid JSON but not a bpftrace record (e.g. a program run by system() printed JSON).
    out.push({ type: 'printf', t, text: line + '\n' });
    return;
  }
  const d = o.data;
  switch (o.type) {
    case 'printf':
    case 'time':
    case 'cat':
    case 'join':
    case 'syscall': {
      const ev = printfText(stringData(d), t, state);
      if (ev) out.push(ev);
      return;
    }
    case 'value':
      out.push({ type: 'value', t, value: d });
      return;
    case 'map':
    case 'hist':
    case 'stats':
    case 'tseries':
      if (!decodeMaps(o.type, d, t, state, out)) notUnderstood(o, 'unexpected data shape', t, state, out);
      return;
    case 'attached_probes': {
      const n = isObject(d) && d.probes !== undefined ? num(d.probes) : num(o.count);
      if (Number.isNaN(n)) notUnderstood(o, 'no probe count', t, state, out);
      else out.push({ type: 'attached', t, probes: n });
      return;
    }
    case 'lost_events': {
      const n = isObject(d) && d.events !== undefined ? num(d.events) : num(o.count);
      if (Number.isNaN(n)) notUnderstood(o, 'no event count', t, state, out);
      else out.push({ type: 'lost', t, events: n });
      return;
    }
    case 'errorf':
    case 'runtime_error':
    case 'print_error':
      out.push({ type: 'error', t, message: stringData(o.msg ?? d ?? ''), ...location(o) });
      return;
    case 'helper_error': {
      const helper = typeof o.helper === 'string' ? `${o.helper}: ` : '';
      const rc = typeof o.retcode === 'number' ? ` (${o.retcode})` : '';
      out.push({ type: 'error', t, message: `${helper}${stringData(o.msg ?? '')}${rc}`, ...location(o) });
      return;
    }
    case 'warnf':
      out.push({ type: 'warning', t, message: stringData(o.msg ?? d ?? ''), ...location(o) });
      return;
    case 'benchmark_results':
    case 'benchmark_result':
    case 'test_result':
      out.push({ type: 'value', t, value: o });
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
        const ev = printfText(text, t, state);
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
  let o: unknown;
  try {
    o = JSON.parse(line);
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

  constructor(opts?: { fence?: string | null }) {
    this.state = newDecodeState(opts?.fence ?? null);
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
