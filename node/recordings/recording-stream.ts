// Read a recording FILE in one streaming pass with bounded memory (a 1 GB recording is never
// loaded whole). Aggregation maps are cumulative snapshots, so exporters usually need only the
// LAST print of each map: those lines are recognised from their first bytes and remembered by
// position (only the newest per map), read back and parsed once at the end. Other lines are small and are
// parsed as they come. Same rules as parseRecording: header validated, a future format refused
// with the same message, a torn last line tolerated, invalid lines counted.
import fs from 'node:fs';
import { RECORDING_FORMAT, RecordingHeader, TraceEvent, type AggregateEvent } from '../../common/contract/index.js';
import { RecordingFormatError } from './writer.js';
import { MapDeltaDecoder, MapDeltaError, isMapDelta, type Print } from '../../common/format/map-delta.js';

export interface ScanOptions {
  /**
   * Called with every event in file order (each line is then parsed fully: slower on big
   * recordings). Without it, superseded prints of a map are skipped unparsed.
   */
  onEvent?: (e: TraceEvent) => void;
  /** Called with the header before any event (e.g. to refuse early). */
  onHeader?: (h: RecordingHeader) => void;
  /** Awaited after each chunk read (~1 MB): lets onEvent's consumer flush its output. */
  afterChunk?: () => Promise<void>;
  /**
   * Keep the last print of each `map` as its raw bytes and parse its entries one at a time
   * when read through `eachEntry` (a 70 MB print is then never one JS string plus one object
   * graph). `entries` still works: it parses them all on first access.
   */
  lazyMaps?: boolean;
}

export interface RecordingScan {
  header: RecordingHeader;
  /** The last print of each aggregation map (map/hist/stats events), in order of first appearance. */
  last: Map<string, AggregateEvent>;
  /** Events read (every line that was a valid event, superseded map prints included). */
  events: number;
  /** Time of the last event (ms since start). */
  lastT: number;
  /** The last line was cut mid-write (the app was killed); it was ignored. */
  torn: boolean;
  /** Lines that were complete but not understood: the first 100, with line numbers. */
  invalid: { line: number; reason: string }[];
  invalidCount: number;
  bytes: number;
}

const CHUNK = 1 << 20;
const MAX_INVALID_KEPT = 100;
/**
 * `{"type":"map","t":12,"name":"@x","entries":` — the engine writes events in this key order;
 * `{"type":"mapdelta","t":12,"name":"@x","n":` — a print written as what changed (format 2).
 */
const AGG_PREFIX = /^\{"type":"(map|hist|stats|mapdelta)","t":(-?[0-9][0-9.eE+-]*),"name":("(?:[^"\\]|\\.)*"),"(?:entries|n)":/;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A cheap structural check of an aggregate event (zod over a 100k-entry map costs more than
 * the JSON parse itself). Exporters read values defensively anyway.
 */
export function asAggregate(x: unknown): AggregateEvent | null {
  if (!isObj(x)) return null;
  if (x.type !== 'map' && x.type !== 'hist' && x.type !== 'stats') return null;
  if (typeof x.t !== 'number' || typeof x.name !== 'string' || typeof x.snapshot !== 'boolean' || !Array.isArray(x.entries)) return null;
  for (const e of x.entries as unknown[]) {
    if (!isObj(e) || (e.key !== null && typeof e.key !== 'string')) return null;
    if (x.type === 'hist') {
      if (!Array.isArray(e.buckets)) return null;
      for (const b of e.buckets as unknown[]) if (!isObj(b) || typeof b.count !== 'number') return null;
    }
  }
  return x as unknown as AggregateEvent;
}

/** Validate a header line the way parseRecording does (same messages). */
export function parseHeaderLine(text: string): RecordingHeader {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RecordingFormatError('not a kscope recording: the first line is not JSON');
  }
  const h = RecordingHeader.safeParse(json);
  if (!h.success) throw new RecordingFormatError('not a kscope recording: the first line is not a header');
  if (h.data.format > RECORDING_FORMAT) {
    throw new RecordingFormatError(`recording format ${h.data.format} is newer than this kscope understands (${RECORDING_FORMAT}); update kscope`);
  }
  return h.data;
}

/** Only the header line of a recording (reads at most a few chunks). */
export async function readRecordingHeader(path: string): Promise<RecordingHeader> {
  let header: RecordingHeader | null = null;
  try {
    await scanRecording(path, {
      onHeader: (h) => {
        header = h;
        throw STOP;
      },
    });
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return header!;
}
const STOP = Symbol('stop');

/** One pass over a recording file. Throws RecordingFormatError for a missing/invalid/future header. */
export async function scanRecording(path: string, opts: ScanOptions = {}): Promise<RecordingScan> {
  let header: RecordingHeader | null = null;
  let lineNo = 0;
  let events = 0;
  let lastT = 0;
  let bytes = 0;
  let invalidCount = 0;
  const invalid: RecordingScan['invalid'] = [];
  /**
   * The last print per map: where its line is in the file (read back once, at the end), or
   * the parsed event when onEvent parsed it anyway.
   */
  const lastRaw = new Map<string, { at: { offset: number; len: number } | null; event: AggregateEvent | null; line: number; head?: RawHead; deltas: Delta[] }>();
  /** With onEvent every line is parsed: changes are applied as they come. */
  const decoder = new MapDeltaDecoder();
  const bad = (line: number, reason: string) => {
    invalidCount++;
    if (invalid.length < MAX_INVALID_KEPT) invalid.push({ line, reason });
  };

  /** A map print that only its last print matters of: remembered by position, not parsed. */
  const keepPrint = (m: RegExpExecArray, offset: number, len: number, line: number): void => {
    let name: string;
    try {
      name = JSON.parse(m[3]) as string;
    } catch {
      bad(line, 'not JSON');
      return;
    }
    if (m[1] === 'mapdelta') {
      // Kept by position after its full print: applied at the end if it is part of the last print.
      const prev = lastRaw.get(name);
      if (!prev) {
        bad(line, `a change to ${name} without its full print before it`);
        return;
      }
      events++;
      lastT = Math.max(lastT, Number(m[2]));
      prev.deltas.push({ offset, len, line });
      return;
    }
    events++;
    lastT = Math.max(lastT, Number(m[2]));
    // (Map.set on an existing key keeps its first-appearance position.)
    const head: RawHead = { type: m[1] as RawHead['type'], t: Number(m[2]), name, entriesAt: Buffer.byteLength(m[0]) };
    lastRaw.set(name, { at: { offset, len }, event: null, line, head, deltas: [] });
  };
  const printHead = (buf: Buffer): RegExpExecArray | null => (opts.onEvent ? null : AGG_PREFIX.exec(buf.toString('utf8', 0, Math.min(buf.length, HEAD_BYTES))));

  /** A whole line (`buf` may be a view of the read buffer: never kept) starting at file offset `offset`. */
  const onLine = (buf: Buffer, offset: number, line: number, isLast: boolean): void => {
    if (header === null) {
      if (buf.length === 0) throw new RecordingFormatError('empty recording: no header line');
      header = parseHeaderLine(buf.toString('utf8'));
      opts.onHeader?.(header);
      return;
    }
    if (buf.length === 0) return;
    if (!isLast) {
      const m = printHead(buf);
      if (m) return keepPrint(m, offset, buf.length, line);
    }
    let json: unknown;
    try {
      json = JSON.parse(buf.toString('utf8'));
    } catch {
      if (isLast) throw TORN;
      bad(line, 'not JSON');
      return;
    }
    let delta = false;
    if (isMapDelta(json)) {
      delta = true;
      const prev = lastRaw.get(json.name);
      if (!prev) {
        bad(line, `a change to ${json.name} without its full print before it`);
        return;
      }
      if (!opts.onEvent) {
        // The last line, unparsed elsewhere: keep it with the others (applied at the end).
        events++;
        lastT = Math.max(lastT, json.t);
        prev.deltas.push({ offset, len: buf.length, line });
        return;
      }
      try {
        json = decoder.apply(json);
      } catch (e) {
        if (!(e instanceof MapDeltaError)) throw e;
        bad(line, e.message);
        return;
      }
    }
    const agg = asAggregate(json);
    let ev: TraceEvent;
    if (agg) ev = agg;
    else {
      const r = TraceEvent.safeParse(json);
      if (!r.success) {
        bad(line, 'not a known event');
        return;
      }
      ev = r.data;
    }
    events++;
    lastT = Math.max(lastT, ev.t);
    if (agg) {
      if (!delta) decoder.full(agg as Print);
      lastRaw.set(agg.name, { at: null, event: agg, line, deltas: [] });
    }
    opts.onEvent?.(ev);
  };

  // One read buffer, reused: nothing of it is kept. A line that spans reads is copied only
  // until its first bytes show a map print (most big lines are): from then on only its
  // length is counted, and the last print of each map is read back from the file at the end.
  // (Fresh buffers for every read, or copies of every snapshot, cost most of an export's time.)
  const fd = fs.openSync(path, 'r');
  let torn = false;
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    let sinceYield = 0;
    let span: Span | null = null;
    const extend = (sp: Span, piece: Buffer) => {
      sp.len += piece.length;
      // The first line is capped before it is trusted: a header (its script ≤ 1 MiB) is far shorter.
      if (header === null && sp.len > MAX_HEADER_LINE) throw new RecordingFormatError(`not a kscope recording: the first line is over ${MAX_HEADER_LINE >> 20} MiB`);
      if (sp.pieces === null) return;
      sp.pieces.push(Buffer.from(piece));
      sp.copied += piece.length;
      if (!sp.checked && sp.copied >= HEAD_BYTES && header !== null) {
        sp.checked = true; // once: a long line that is not a print is not re-joined per read
        const m = printHead(Buffer.concat(sp.pieces, sp.copied));
        if (m) {
          sp.print = m;
          sp.pieces = null;
        }
      }
      if (sp.pieces !== null && sp.copied > MAX_OTHER_LINE) {
        // Not a map print and longer than any event kscope writes: stop holding it (memory
        // stays bounded whatever the file is, e.g. /dev/zero or a binary without newlines).
        sp.pieces = null;
        sp.tooLong = true;
      }
    };
    const readBack = (offset: number, len: number): Buffer => {
      const buf = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const n = fs.readSync(fd, buf, got, len - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return got === len ? buf : buf.subarray(0, got);
    };
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, CHUNK, pos);
      if (n === 0) break;
      // JSON has no raw NUL byte (it writes \u0000): one at the start is binary data, not a recording.
      if (pos === 0 && chunk.subarray(0, Math.min(n, 65536)).includes(0)) throw new RecordingFormatError('not a kscope recording: binary data (NUL bytes)');
      const data = n === CHUNK ? chunk : chunk.subarray(0, n);
      bytes += n;
      let start = 0;
      for (;;) {
        const nl = data.indexOf(10, start);
        if (nl < 0) break;
        if (span) {
          extend(span, data.subarray(start, nl));
          if (span.print) keepPrint(span.print, span.start, span.len, ++lineNo);
          else if (span.tooLong) {
            if (header === null) throw new RecordingFormatError(`not a kscope recording: the first line is over ${MAX_OTHER_LINE >> 20} MiB`);
            bad(++lineNo, `a line of ${span.len.toLocaleString('en-US')} bytes that is not a map print`);
          } else onLine(Buffer.concat(span.pieces!, span.copied), span.start, ++lineNo, false);
          span = null;
        } else onLine(data.subarray(start, nl), pos + start, ++lineNo, false);
        start = nl + 1;
      }
      if (start < n) {
        span ??= { start: pos + start, len: 0, pieces: [], copied: 0, print: null, checked: false, tooLong: false };
        extend(span, data.subarray(start));
      }
      pos += n;
      sinceYield += n;
      if (opts.afterChunk) await opts.afterChunk();
      else if (sinceYield >= YIELD_EVERY) {
        // The app's engine shares this event loop: let it breathe every few MB.
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    if (span) {
      // No newline at the end: a complete JSON line is kept (like parseRecording), a cut one is torn.
      if (span.tooLong) {
        if (header === null) throw new RecordingFormatError(`not a kscope recording: the first line is over ${MAX_OTHER_LINE >> 20} MiB`);
        torn = true;
      }
      const buf = span.tooLong ? null : span.pieces ? Buffer.concat(span.pieces, span.copied) : readBack(span.start, span.len);
      if (!buf) torn = true;
      else try {
        onLine(buf, span.start, ++lineNo, true);
      } catch (e) {
        if (e !== TORN) throw e;
        torn = true;
      }
    }
    if (header === null) throw new RecordingFormatError('empty recording: no header line');

    const last = new Map<string, AggregateEvent>();
    for (const [name, v] of lastRaw) {
      let ev = v.event;
      if (!ev && v.at) {
        const raw = readBack(v.at.offset, v.at.len);
        if (opts.lazyMaps && v.head?.type === 'map') ev = lazyMapEvent(raw, v.head, v.line);
        if (!ev) {
          try {
            ev = asAggregate(JSON.parse(raw.toString('utf8')));
          } catch {
            ev = null;
          }
        }
        if (!ev) {
          bad(v.line, `not a valid print of ${name}`);
          events--;
          continue;
        }
      }
      if (ev && v.deltas.length > 0) ev = applyDeltas(ev, v.deltas, readBack, bad);
      if (ev) last.set(name, ev);
    }
    return { header: header as RecordingHeader, last, events, lastT, torn, invalid, invalidCount, bytes };
  } finally {
    fs.closeSync(fd);
  }
}

/** Where a change to a map's print sits in the file. */
interface Delta {
  offset: number;
  len: number;
  line: number;
}

/**
 * The print that a full print and the changes after it make (the last print of the map).
 * A change that does not apply is reported and the print before it is kept.
 */
function applyDeltas(full: AggregateEvent, deltas: Delta[], readBack: (offset: number, len: number) => Buffer, bad: (line: number, reason: string) => void): AggregateEvent {
  const dec = new MapDeltaDecoder();
  // A lazy print's entries are parsed here (getter): the changes need every key.
  dec.full({ ...full, entries: [...eachEntry(full)] } as Print);
  let ev = full;
  for (const d of deltas) {
    let json: unknown;
    try {
      json = JSON.parse(readBack(d.offset, d.len).toString('utf8'));
    } catch {
      bad(d.line, 'not JSON');
      break;
    }
    if (!isMapDelta(json)) {
      bad(d.line, 'not a known event');
      break;
    }
    try {
      const next = asAggregate(dec.apply(json));
      if (!next) {
        bad(d.line, `not a valid print of ${full.name}`);
        break;
      }
      ev = next;
    } catch (e) {
      if (!(e instanceof MapDeltaError)) throw e;
      bad(d.line, e.message);
      break;
    }
  }
  return ev;
}

/** A line that spans reads: its bytes while they may be needed, or the map print its head showed. */
interface Span {
  start: number;
  len: number;
  pieces: Buffer[] | null;
  copied: number;
  print: RegExpExecArray | null;
  /** Its head was looked at (HEAD_BYTES of it were copied). */
  checked: boolean;
  /** Not a print and over MAX_OTHER_LINE: its bytes were dropped, only its length counted. */
  tooLong: boolean;
}

/** A header line longer than this is not trusted (see extend). */
const MAX_HEADER_LINE = 8 << 20;
/** The longest line that is not a map print kept in memory (an event kscope writes is far smaller). */
const MAX_OTHER_LINE = 16 << 20;

const TORN = Symbol('torn');
/** Bytes of a line enough to recognise a map print's head. */
const HEAD_BYTES = 1024;
/** Yield to the event loop after this many bytes when no afterChunk does. */
const YIELD_EVERY = 8 * CHUNK;

interface RawHead {
  type: 'map' | 'hist' | 'stats';
  t: number;
  name: string;
  /** Byte offset of the entries array's "[" in the line. */
  entriesAt: number;
}

type Entry = { key: string | null; value: unknown };
const RAW = Symbol('raw entries');
interface RawEntries {
  raw: Buffer;
  /** Start and end byte offsets of each entry object. */
  bounds: Uint32Array;
  line: number;
  name: string;
}

/**
 * The byte ranges of each `{...}` in the entries array starting at `at`, and the end of the
 * array; null if the bytes are not shaped as expected. Strings are skipped with indexOf for
 * their closing quote (escaped quotes checked), so a long stack key costs one memchr.
 */
function entryBounds(buf: Buffer, at: number): { bounds: Uint32Array; end: number } | null {
  if (buf[at] !== 0x5b) return null;
  let out = new Uint32Array(1024);
  let n = 0;
  let p = at + 1;
  const len = buf.length;
  for (;;) {
    while (p < len && (buf[p] === 0x20 || buf[p] === 0x2c || buf[p] === 0x0a || buf[p] === 0x0d || buf[p] === 0x09)) p++;
    if (p >= len) return null;
    if (buf[p] === 0x5d) return { bounds: out.subarray(0, n), end: p + 1 };
    if (buf[p] !== 0x7b) return null;
    const start = p;
    let depth = 0;
    for (;;) {
      if (p >= len) return null;
      const c = buf[p];
      if (c === 0x22) {
        let q = p + 1;
        for (;;) {
          q = buf.indexOf(0x22, q);
          if (q < 0) return null;
          let bs = 0;
          while (buf[q - 1 - bs] === 0x5c) bs++;
          if (bs % 2 === 0) break;
          q++;
        }
        p = q + 1;
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          p++;
          break;
        }
      }
      p++;
    }
    if (n + 2 > out.length) {
      const bigger = new Uint32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[n++] = start;
    out[n++] = p;
  }
}

// `by` (whose periodic print it is) follows `snapshot` in recordings since kscope marks it.
const TAIL = /^\s*,\s*"snapshot"\s*:\s*(true|false)\s*(?:,\s*"by"\s*:\s*"(kscope|script)"\s*)?\}\s*$/;

/** A map event whose entries stay raw bytes until read; null when the line is not shaped as expected. */
function lazyMapEvent(raw: Buffer, head: RawHead, line: number): AggregateEvent | null {
  const b = entryBounds(raw, head.entriesAt);
  if (!b) return null;
  const tail = TAIL.exec(raw.toString('utf8', b.end));
  if (!tail) return null;
  const src: RawEntries = { raw, bounds: b.bounds, line, name: head.name };
  const ev = { type: 'map', t: head.t, name: head.name, snapshot: tail[1] === 'true' } as AggregateEvent & { [RAW]?: RawEntries };
  if (tail[2]) ev.by = tail[2] as 'kscope' | 'script';
  Object.defineProperty(ev, RAW, { value: src, enumerable: false });
  Object.defineProperty(ev, 'entries', {
    enumerable: true,
    configurable: true,
    get(): Entry[] {
      const all = [...eachEntry(ev)];
      Object.defineProperty(ev, 'entries', { value: all, enumerable: true, writable: true, configurable: true });
      return all;
    },
  });
  return ev;
}

/** A map's entries one at a time: parsed from the raw print when the scan kept it raw. */
export function* eachEntry(ev: AggregateEvent): Generator<Entry> {
  const src = (ev as { [RAW]?: RawEntries })[RAW];
  if (!src || Object.getOwnPropertyDescriptor(ev, 'entries')?.get === undefined) {
    yield* ev.entries as Entry[];
    return;
  }
  const { raw, bounds } = src;
  for (let i = 0; i < bounds.length; i += 2) {
    let e: unknown;
    try {
      e = JSON.parse(raw.toString('utf8', bounds[i], bounds[i + 1]));
    } catch {
      e = null;
    }
    const o = e as { key?: unknown } | null;
    if (!o || typeof o !== 'object' || (o.key !== null && typeof o.key !== 'string')) {
      throw new RecordingFormatError(`line ${src.line}: the print of ${src.name} is corrupt (entry ${i / 2 + 1})`);
    }
    yield o as Entry;
  }
}

/** The first `n` entries of a map (without parsing the rest of a raw print). */
export function firstEntries(ev: AggregateEvent, n: number): Entry[] {
  const out: Entry[] = [];
  if (n <= 0) return out;
  for (const e of eachEntry(ev)) {
    out.push(e);
    if (out.length >= n) break;
  }
  return out;
}
