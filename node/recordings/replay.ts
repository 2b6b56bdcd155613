// Replay of one recording: the index is built once per open (and extended when the file
// grows), then the state at any time t is read with a few positioned reads: the last print
// of each map at or before t, the last printf lines, and counters from the index. Stack
// maps are folded into flame graphs the way the live view folds them.
import fs from 'node:fs';
import { AggregateEvent, TraceEvent, type ErrorEvent, type FlameSnapshot, type MapEvent, type SessionUpdate, type ValueEvent, type WarningEvent } from '../../common/contract/index.js';
import { BPFTRACE_DEFAULT_MAP_KEYS_MAX, DEFAULT_FLAME_MIN_FRACTION } from '../engine/live-state.js';
import { stackMapsInSource } from '../engine/flame-cadence.js';
import { isStackMap, keyPartsOf, pruneTree, StackFolder } from '../../common/profile/stacks.js';
import { upperBound, type LineColumn } from './grow.js';
import { readAt } from './lines.js';
import { RecordingScanner, type MapColumn, type ReplayIndex, type ScanSummary } from './scan.js';
import { MapDeltaDecoder, MapDeltaError, isMapDelta, type Print } from '../../common/format/map-delta.js';

/** Newest values / errors / warnings sent with a state (as a live update caps them). */
const MAX_VALUES = 200;
const MAX_MESSAGES = 1000;
/** Most scrubber stops returned; beyond it they are thinned evenly (first and last kept). */
export const MAX_FRAMES = 20_000;

export interface ReplayInfo {
  summary: ScanSummary;
  frames: number[];
  invalidLines: number;
  torn: boolean;
}

interface FlameCache {
  folder: StackFolder;
  /** Snapshots by the print's file offset (scrubbing goes back and forth over the same prints). */
  byOffset: Map<number, FlameSnapshot>;
}

export class Replay {
  private scanner!: RecordingScanner;
  private stat: { size: number; mtimeMs: number; ino: number } = { size: -1, mtimeMs: -1, ino: -1 };
  private frames: number[] | null = null;
  private flames = new Map<string, FlameCache>();
  private seq = 0;

  private busy: Promise<void> | null = null;

  private constructor(readonly file: string) {}

  /** Index a recording for replay (in slices: the event loop keeps running on a 1 GB file). */
  static async open(file: string): Promise<Replay> {
    const r = new Replay(file);
    await r.refresh();
    return r;
  }

  /** Re-read what was appended since the last look (a recording being written), or everything if the file was replaced. */
  async refresh(): Promise<void> {
    while (this.busy) await this.busy;
    const st = fs.statSync(this.file);
    if (st.size === this.stat.size && st.mtimeMs === this.stat.mtimeMs && st.ino === this.stat.ino) return;
    this.busy = (async () => {
      if (!(st.ino === this.stat.ino && st.size >= this.stat.size && this.scanner)) {
        this.scanner = new RecordingScanner(true);
        this.flames = new Map();
      }
      this.stat = { size: -1, mtimeMs: -1, ino: -1 }; // until this scan completes
      await this.scanner.scanFileAsync(this.file);
      this.stat = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
      this.frames = null;
    })();
    try {
      await this.busy;
    } finally {
      this.busy = null;
    }
  }

  private get index(): ReplayIndex {
    return this.scanner.index!;
  }

  info(): ReplayInfo {
    const summary = this.scanner.summary();
    return { summary, frames: this.scrubberStops(), invalidLines: summary.invalidLines, torn: summary.tailBytes > 0 };
  }

  /** Distinct times of aggregate prints, ascending. */
  private scrubberStops(): number[] {
    if (this.frames) return this.frames;
    const all: number[] = [];
    for (const col of this.index.maps.values()) for (let i = 0; i < col.lines.length; i++) all.push(col.lines.t.a[i]);
    all.sort((a, b) => a - b);
    let out: number[] = [];
    for (const t of all) if (out.length === 0 || out[out.length - 1] !== t) out.push(t);
    if (out.length > MAX_FRAMES) {
      const step = (out.length - 1) / (MAX_FRAMES - 1);
      const thin: number[] = [];
      for (let i = 0; i < MAX_FRAMES; i++) thin.push(out[Math.round(i * step)]);
      out = thin;
    }
    this.frames = out;
    return out;
  }

  /** The state at time t as a live update would have shown it. */
  at(t: number, printfLimit: number, sessionId: string, running = false): SessionUpdate {
    const ix = this.index;
    const sc = this.scanner;
    const header = sc.header!;
    const fd = fs.openSync(this.file, 'r');
    try {
      let events = 0;
      const maps: AggregateEvent[] = [];
      const flames: FlameSnapshot[] = [];
      const warnings: WarningEvent[] = [];
      const mapKeysMax = (header.options as { mapKeysMax?: number } | null)?.mapKeysMax ?? BPFTRACE_DEFAULT_MAP_KEYS_MAX;
      for (const col of ix.maps.values()) {
        const k = col.lines.countUpTo(t);
        events += k;
        if (k === 0) continue;
        const off = col.lines.offset.a[k - 1];
        const e = readPrint(fd, col, k - 1);
        if (!e || !AggregateEvent.safeParse(e).success) continue;
        const agg = e as AggregateEvent;
        if (agg.type === 'map' && (col.stack === true || isStackMap(agg.entries))) {
          const snap = this.flameAt(col.name, agg, off);
          flames.push(snap);
          if (snap.atKeyLimit) warnings.push({ type: 'warning', t: agg.t, message: `${col.name} reached BPFTRACE_MAP_KEYS_MAX=${mapKeysMax}: bpftrace dropped further stacks` });
        } else maps.push(agg);
      }
      const printf = this.printfAt(fd, t, printfLimit);
      events += printf.count;
      const values = lastEvents<ValueEvent>(fd, ix.values, t, MAX_VALUES);
      const errors = lastEvents<ErrorEvent>(fd, ix.errors, t, MAX_MESSAGES);
      warnings.unshift(...lastEvents<WarningEvent>(fd, ix.warnings, t, MAX_MESSAGES));
      events += ix.values.countUpTo(t) + ix.errors.countUpTo(t) + ix.warnings.countUpTo(t);
      const lostK = upperBound(ix.lostT.a, ix.lostT.length, t);
      const attK = upperBound(ix.attachedT.a, ix.attachedT.length, t);
      events += lostK + attK;
      // The probes' output up to t (what a live run's status counts): printf lines, print()
      // values, the script's own map prints. (A print over 16 MiB is read by its head only,
      // so its `by` is not seen: such a print, if the script's, is not counted.)
      const outputEvents = printf.count + ix.values.countUpTo(t) + upperBound(ix.scriptPrintT.a, ix.scriptPrintT.length, t);
      const injected = header.injected ? 1 : 0;
      const exited = sc.exit !== null && sc.exit.t <= t;
      return {
        sessionId,
        seq: this.seq++,
        status: {
          state: running && !exited ? 'running' : 'exited',
          startedAt: header.startedAt,
          elapsedMs: t,
          attachedProbes: attK > 0 ? Math.max(0, ix.attachedProbes.a[attK - 1] - injected) : null,
          events,
          outputEvents,
          printfLines: printf.count,
          lostEvents: lostK > 0 ? ix.lostSum.a[lostK - 1] : 0,
          exit: exited ? { code: sc.exit!.code, signal: sc.exit!.signal, ...(sc.exit!.result ? { result: sc.exit!.result } : {}), ...(sc.exit!.forced ? { forced: true } : {}) } : null,
        },
        flames,
        printf: printf.lines,
        printfSkipped: printf.count - printf.lines.length,
        maps,
        values,
        errors,
        warnings,
      };
    } finally {
      fs.closeSync(fd);
    }
  }

  private flameAt(name: string, e: MapEvent, offset: number): FlameSnapshot {
    let fc = this.flames.get(name);
    if (!fc) {
      // Empty stacks get a named frame, as live (the recorded script says which parts are kstack/ustack).
      const script = this.scanner.header?.script;
      const declared = typeof script === 'string' ? (stackMapsInSource(script).get(name) ?? null) : null;
      fc = { folder: new StackFolder({ emptyStacks: { keyParts: declared } }), byOffset: new Map() };
      this.flames.set(name, fc);
    }
    const hit = fc.byOffset.get(offset);
    if (hit) return hit;
    const tree = fc.folder.fold(e.entries);
    const minFraction = DEFAULT_FLAME_MIN_FRACTION;
    const r = pruneTree(tree, minFraction);
    const limit = (this.scanner.header!.options as { mapKeysMax?: number } | null)?.mapKeysMax ?? BPFTRACE_DEFAULT_MAP_KEYS_MAX;
    const snap: FlameSnapshot = {
      name,
      t: e.t,
      snapshot: e.snapshot,
      total: r.total,
      stacks: e.entries.length,
      keyParts: keyPartsOf(fc.folder.lastParsed),
      minFraction,
      nodes: r.nodes,
      prunedNodes: r.prunedNodes,
      atKeyLimit: e.entries.length >= limit,
      tree: r.tree,
    };
    if (fc.byOffset.size >= 8) fc.byOffset.delete(fc.byOffset.keys().next().value!);
    fc.byOffset.set(offset, snap);
    return snap;
  }

  /** How many printf lines were written by t, and the last `limit` of them. */
  private printfAt(fd: number, t: number, limit: number): { count: number; lines: { t: number; text: string }[] } {
    const b = this.index.printf;
    const nb = upperBound(b.firstT.a, b.length, t);
    if (nb === 0) return { count: 0, lines: [] };
    const last = nb - 1;
    let lastLines: { t: number; text: string }[] | null = null;
    let count: number;
    if (b.lastT.a[last] <= t) count = b.before.a[last] + b.count.a[last];
    else {
      lastLines = readPrintfBlock(fd, b.start.a[last], b.end.a[last]).filter((l) => l.t <= t);
      count = b.before.a[last] + lastLines.length;
    }
    if (limit === 0) return { count, lines: [] };
    const chunks: { t: number; text: string }[][] = [];
    let have = 0;
    for (let i = last; i >= 0 && have < limit; i--) {
      const lines = i === last && lastLines ? lastLines : readPrintfBlock(fd, b.start.a[i], b.end.a[i]);
      chunks.unshift(lines);
      have += lines.length;
    }
    const lines = chunks.flat();
    return { count, lines: lines.length > limit ? lines.slice(lines.length - limit) : lines };
  }
}

/**
 * Print i of a map column as bpftrace printed it: its line, or (a change, format 2) the full
 * print it builds on with the changes up to it applied. Null when a line is damaged.
 */
function readPrint(fd: number, col: MapColumn, i: number): TraceEvent | null {
  const b = col.base.a[i];
  if (b === i) return readEvent(fd, col.lines.offset.a[i], col.lines.len.a[i]);
  const full = readEvent(fd, col.lines.offset.a[b], col.lines.len.a[b]);
  if (!full || !AggregateEvent.safeParse(full).success) return null;
  const dec = new MapDeltaDecoder();
  dec.full(full as Print);
  let ev: Print | null = null;
  for (let k = b + 1; k <= i; k++) {
    const d = readEvent(fd, col.lines.offset.a[k], col.lines.len.a[k]) as unknown;
    if (!isMapDelta(d)) return null;
    try {
      ev = dec.apply(d);
    } catch (e) {
      if (e instanceof MapDeltaError) return null;
      throw e;
    }
  }
  return ev as TraceEvent | null;
}

function readEvent(fd: number, offset: number, len: number): TraceEvent | null {
  try {
    return JSON.parse(readAt(fd, offset, len).toString('utf8')) as TraceEvent;
  } catch {
    return null;
  }
}

/** The printf lines in the byte range of one index block (other lines in it are skipped). */
function readPrintfBlock(fd: number, start: number, end: number): { t: number; text: string }[] {
  const buf = readAt(fd, start, end - start);
  const out: { t: number; text: string }[] = [];
  let s = 0;
  while (s < buf.length) {
    let e = buf.indexOf(10, s);
    if (e === -1) e = buf.length;
    if (e > s) {
      try {
        const ev = JSON.parse(buf.toString('utf8', s, e)) as { type?: unknown; t?: unknown; text?: unknown };
        if (ev.type === 'printf' && typeof ev.text === 'string' && typeof ev.t === 'number') out.push({ t: ev.t, text: ev.text });
      } catch {
        // not a printf line (or damaged): the index counted only valid-looking printf lines
      }
    }
    s = e + 1;
  }
  return out;
}

function lastEvents<E>(fd: number, col: LineColumn, t: number, max: number): E[] {
  const k = col.countUpTo(t);
  const out: E[] = [];
  for (let i = Math.max(0, k - max); i < k; i++) {
    const e = readEvent(fd, col.offset.a[i], col.len.a[i]);
    if (e) {
      const r = TraceEvent.safeParse(e);
      if (r.success) out.push(r.data as E);
    }
  }
  return out;
}
