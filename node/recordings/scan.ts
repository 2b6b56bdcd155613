// One pass over a recording: the library's summary (counts, maps, exit) and, for replay,
// an index of where every line that a point in time needs sits in the file. Resumable:
// a recording still being written is scanned again from where the last pass stopped.
//
// Speed: most lines are printf or map prints. Their type, time and map name are read from
// the first bytes of the line (the engine writes `{"type":…,"t":…,"name":…` first); only
// rare events (exit, lost, errors, …) and the first print of each map (is it a stack map?)
// are parsed whole. A line that does not start that way is parsed and validated in full.
import fs from 'node:fs';
import { TraceEvent, type RecordingHeader } from '../../common/contract/index.js';
import { parseRecording, RecordingFormatError } from './writer.js';
import { isStackMap } from '../../common/profile/stacks.js';
import { mapsDeclaredNotStacks } from '../exports/declared-stacks.js';
import { F64s, LineColumn, U32s } from './grow.js';
import { MAP_DELTA } from '../../common/format/map-delta.js';
import { MAX_WHOLE_LINE, scanLines } from './lines.js';

export type AggregateType = 'map' | 'hist' | 'stats';

/** What the library shows of a recording (the parts a scan finds). */
export interface ScanSummary {
  header: RecordingHeader;
  events: number;
  printfLines: number;
  lostEvents: number;
  exit: { t: number; code: number | null; signal: string | null; result?: 'final' | 'partial' | 'last-snapshot'; forced?: boolean } | null;
  firstT: number | null;
  lastT: number | null;
  maps: string[];
  stackMaps: string[];
  invalidLines: number;
  /** Bytes after the last complete line (a torn line, or one being written). */
  tailBytes: number;
  bytes: number;
}

export interface MapColumn {
  name: string;
  type: AggregateType;
  /** null until a print with entries told whether its keys hold stacks. */
  stack: boolean | null;
  lines: LineColumn;
  /**
   * For each line, the index (in `lines`) of the full print it builds on: itself for a full
   * print, the last full print before it for a change (`mapdelta`, format 2).
   */
  base: U32s;
}

/** printf lines in blocks of ≤ 256 lines spanning ≤ 256 KiB: 40 bytes per block, not per line. */
export class PrintfBlocks {
  static readonly LINES = 256;
  static readonly SPAN = 256 * 1024;
  readonly start = new F64s();
  readonly end = new F64s();
  readonly firstT = new F64s();
  readonly lastT = new F64s();
  /** printf lines before the block. */
  readonly before = new F64s();
  readonly count = new U32s();
  get length(): number {
    return this.start.length;
  }
  add(offset: number, len: number, t: number, index: number): void {
    const b = this.length - 1;
    if (b < 0 || this.count.a[b] >= PrintfBlocks.LINES || offset + len - this.start.a[b] > PrintfBlocks.SPAN) {
      this.start.push(offset);
      this.end.push(offset + len);
      this.firstT.push(t);
      this.lastT.push(t);
      this.before.push(index);
      this.count.push(1);
      return;
    }
    this.end.a[b] = offset + len;
    this.lastT.a[b] = t;
    this.count.a[b]++;
  }
}

/** Where the lines a replay needs are. Times are made non-decreasing (a running max) so "at t" is a prefix of the file. */
export class ReplayIndex {
  readonly maps = new Map<string, MapColumn>();
  readonly printf = new PrintfBlocks();
  readonly values = new LineColumn();
  readonly errors = new LineColumn();
  readonly warnings = new LineColumn();
  readonly lostT = new F64s();
  readonly lostSum = new F64s();
  readonly attachedT = new F64s();
  readonly attachedProbes = new F64s();
  /** Times of the prints the script asked for (`by: "script"`): with printf and values, the probes' output. */
  readonly scriptPrintT = new F64s();
}

/** The writer appends `by` last (attributePrints adds it after decoding): a script's print ends so. */
const BY_SCRIPT_TAIL = Buffer.from(',"by":"script"}', 'latin1');

function endsByScript(buf: Buffer, start: number, end: number): boolean {
  return end - start > BY_SCRIPT_TAIL.length && buf.compare(BY_SCRIPT_TAIL, 0, BY_SCRIPT_TAIL.length, end - BY_SCRIPT_TAIL.length, end) === 0;
}

/**
 * A delta line's print fields (`ev`, near its start: its entries are elsewhere) say
 * "by":"script" for a print the script made. Those bytes cannot occur inside a JSON string
 * (its quotes are escaped), so finding them in the line's head is the field itself.
 */
const BY_SCRIPT = Buffer.from('"by":"script"');
const DELTA_HEAD_BYTES = 4096;
function deltaByScript(buf: Buffer, start: number, end: number): boolean {
  return buf.subarray(start, Math.min(end, start + DELTA_HEAD_BYTES)).indexOf(BY_SCRIPT) >= 0;
}

const HEAD = /^\{"type":"([a-z_]+)","t":(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?:,"name":"((?:[^"\\]|\\.)*)")?/;
const AGGREGATE = new Set(['map', 'hist', 'stats']);
/** After HEAD: the map's first key (a JSON string), when the head holds all of it. */
const FIRST_KEY = /^,"entries":\[\{"key":("(?:[^"\\]|\\.)*")/;
/** A last line without a newline is read whole only up to this (beyond: a torn line, never parsed). */
const MAX_TAIL = MAX_WHOLE_LINE;
/** Bytes scanned between yields to the event loop. */
const SLICE_BYTES = 32 << 20;

function isJson(b: Buffer): boolean {
  try {
    JSON.parse(b.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

export class RecordingScanner {
  /** Next byte to read. */
  offset = 0;
  header: RecordingHeader | null = null;
  events = 0;
  printfLines = 0;
  lostEvents = 0;
  exit: ScanSummary['exit'] = null;
  firstT: number | null = null;
  lastT: number | null = null;
  invalidLines = 0;
  tailBytes = 0;
  bytes = 0;
  private maxT = 0;
  private readonly mapInfo = new Map<string, { type: AggregateType; stack: boolean | null }>();
  readonly index: ReplayIndex | null;

  constructor(withIndex: boolean) {
    this.index = withIndex ? new ReplayIndex() : null;
  }

  /** Scan the file from where the last scan stopped to its end. Throws RecordingFormatError for a bad or future header. */
  scanFile(file: string): this {
    while (!this.scanSlice(file, Infinity));
    return this;
  }

  /** The same, yielding to the event loop every `slice` bytes (a 1 GB file must not freeze the app). */
  async scanFileAsync(file: string, slice = SLICE_BYTES): Promise<this> {
    while (!this.scanSlice(file, slice)) await new Promise((r) => setImmediate(r));
    return this;
  }

  /** Scan about `limit` bytes more; true when the end of the file was reached. */
  private scanSlice(file: string, limit: number): boolean {
    const fd = fs.openSync(file, 'r');
    try {
      const r = scanLines(fd, this.offset, (buf, s, e, off) => this.feedLine(buf, s, e, off), undefined, limit, (head, off, len) => this.feedLongLine(head, off, len));
      this.offset = r.end;
      this.tailBytes = r.tailBytes;
      this.bytes = r.end + r.tailBytes;
      if (!r.eof) return false;
      if (r.tailBytes > 0 && r.tailBytes <= MAX_TAIL) {
        // A last line without its newline counts when it is whole JSON (as parseRecording reads it).
        const tail = Buffer.alloc(r.tailBytes);
        fs.readSync(fd, tail, 0, tail.length, r.end);
        if (isJson(tail)) {
          this.feedLine(tail, 0, tail.length, r.end);
          this.offset += r.tailBytes;
          this.tailBytes = 0;
        } else if (!this.header) {
          // Not even a complete header line: let the recording parser say what is wrong.
          this.header = parseRecording(tail.toString('utf8')).header;
        }
      }
      if (!this.header) this.header = parseRecording('').header;
      return true;
    } finally {
      fs.closeSync(fd);
    }
  }

  summary(): ScanSummary {
    if (!this.header) throw new Error('recording not scanned');
    const maps: string[] = [];
    const stackMaps: string[] = [];
    // As the exports decide: the script's keys first, then the keys' shape (declared-stacks.ts).
    const notStacks = mapsDeclaredNotStacks(this.header.script);
    for (const [name, m] of this.mapInfo) {
      maps.push(name);
      if (m.stack && !notStacks.has(name)) stackMaps.push(name);
    }
    return {
      header: this.header,
      events: this.events,
      printfLines: this.printfLines,
      lostEvents: this.lostEvents,
      exit: this.exit,
      firstT: this.firstT,
      lastT: this.lastT,
      maps,
      stackMaps,
      invalidLines: this.invalidLines,
      tailBytes: this.tailBytes,
      bytes: this.bytes,
    };
  }

  /**
   * A line too long to hold (over MAX_WHOLE_LINE: a 65,536-stack map print, a 1 M-stack
   * import): its head says what it is. A map's first key says whether it holds stacks. A long
   * line that is not a print, or a long header, is not guessed at.
   */
  feedLongLine(head: Buffer, offset: number, length: number): void {
    if (!this.header) throw new RecordingFormatError(`not a kscope recording: the first line is over ${MAX_WHOLE_LINE >> 20} MiB`);
    const text = head.toString('utf8');
    const m = HEAD.exec(text);
    if (!m || m[3] === undefined || !(AGGREGATE.has(m[1]) || m[1] === MAP_DELTA)) {
      this.invalidLines++;
      return;
    }
    if (m[1] === MAP_DELTA) return this.onDelta(JSON.parse(`"${m[3]}"`) as string, Number(m[2]), offset, length, deltaByScript(head, 0, head.length));
    const type = m[1] as AggregateType;
    const name = JSON.parse(`"${m[3]}"`) as string;
    if (type === 'map' && this.mapInfo.get(name)?.stack == null) {
      const k = FIRST_KEY.exec(text.slice(m[0].length));
      if (k) {
        const key = JSON.parse(k[1]) as string;
        this.mapInfo.set(name, { type, stack: isStackMap([{ key }]) });
      }
    }
    this.onEvent(type, Number(m[2]), name, null, offset, length);
  }

  /** One complete line (newline excluded) at file offset `offset`. */
  feedLine(buf: Buffer, start: number, end: number, offset: number): void {
    if (end === start) return;
    if (!this.header) {
      // parseRecording validates the header and refuses a future format with its message.
      this.header = parseRecording(buf.toString('utf8', start, end) + '\n').header;
      return;
    }
    const m = HEAD.exec(buf.toString('utf8', start, Math.min(end, start + 256)));
    const len = end - start;
    if (m) {
      const type = m[1];
      const t = Number(m[2]);
      if (type === 'printf') return this.onEvent('printf', t, null, null, offset, len);
      if (type === MAP_DELTA && m[3] !== undefined) return this.onDelta(JSON.parse(`"${m[3]}"`) as string, t, offset, len, deltaByScript(buf, start, end));
      if (AGGREGATE.has(type) && m[3] !== undefined) {
        const name = JSON.parse(`"${m[3]}"`) as string;
        const known = this.mapInfo.get(name);
        if (type !== 'map' || known?.stack != null) return this.onEvent(type, t, name, null, offset, len, endsByScript(buf, start, end));
      }
    }
    let parsed: TraceEvent;
    try {
      const r = TraceEvent.safeParse(JSON.parse(buf.toString('utf8', start, end)));
      if (!r.success) {
        this.invalidLines++;
        return;
      }
      parsed = r.data;
    } catch {
      this.invalidLines++;
      return;
    }
    const name = 'name' in parsed ? parsed.name : null;
    this.onEvent(parsed.type, parsed.t, name, parsed, offset, len, 'by' in parsed && parsed.by === 'script');
  }

  /** A print written as what changed since the map's previous print: one more print of that map. */
  private onDelta(name: string, t: number, offset: number, len: number, byScript: boolean): void {
    const info = this.mapInfo.get(name);
    if (!info) {
      this.invalidLines++; // a change with no full print before it: nothing to apply it to
      return;
    }
    this.onEvent(info.type, t, name, null, offset, len, byScript, true);
  }

  private onEvent(type: string, rawT: number, name: string | null, e: TraceEvent | null, offset: number, len: number, byScript = false, delta = false): void {
    if (this.firstT === null || rawT < this.firstT) this.firstT = rawT;
    if (this.lastT === null || rawT > this.lastT) this.lastT = rawT;
    this.maxT = Math.max(this.maxT, rawT);
    const t = this.maxT;
    const ix = this.index;
    if (type !== 'exit') {
      this.events++;
    }
    switch (type) {
      case 'printf':
        ix?.printf.add(offset, len, t, this.printfLines);
        this.printfLines++;
        return;
      case 'map':
      case 'hist':
      case 'stats': {
        let info = this.mapInfo.get(name!);
        if (!info) {
          info = { type, stack: type === 'map' ? null : false };
          this.mapInfo.set(name!, info);
        }
        if (info.stack === null && e && e.type === 'map' && e.entries.length > 0) info.stack = isStackMap(e.entries);
        if (ix) {
          let col = ix.maps.get(name!);
          if (!col) {
            col = { name: name!, type, stack: null, lines: new LineColumn(), base: new U32s() };
            ix.maps.set(name!, col);
          }
          col.stack = info.stack;
          col.base.push(delta && col.lines.length > 0 ? col.base.a[col.lines.length - 1] : col.lines.length);
          col.lines.push(offset, len, t);
          if (byScript) ix.scriptPrintT.push(t);
        }
        return;
      }
      case 'value':
        ix?.values.push(offset, len, t);
        return;
      case 'error':
        ix?.errors.push(offset, len, t);
        return;
      case 'warning':
        ix?.warnings.push(offset, len, t);
        return;
      case 'lost':
        if (e?.type === 'lost') {
          this.lostEvents = e.total ? Math.max(this.lostEvents, e.events) : this.lostEvents + e.events;
          ix?.lostT.push(t);
          ix?.lostSum.push(this.lostEvents);
        }
        return;
      case 'attached':
        if (e?.type === 'attached') {
          ix?.attachedT.push(t);
          ix?.attachedProbes.push(e.probes);
        }
        return;
      case 'exit':
        if (e?.type === 'exit') this.exit = { t, code: e.code, signal: e.signal, ...(e.result ? { result: e.result } : {}), ...(e.forced ? { forced: true } : {}) };
        return;
    }
  }
}

/** Scan a whole file (summary only, or with the replay index). */
export function scanRecording(file: string, withIndex = false): Promise<RecordingScanner> {
  return new RecordingScanner(withIndex).scanFileAsync(file);
}
