// `perf script` text output → one stack map per event, grouped by comm the way
// stackcollapse-perf.pl groups (its folded lines start with the comm; here the comm is the
// key's second part, which the engine folds as the first level under "all"):
//
//   swapper     0 [000] 12360.317617:   10101010 cpu-clock:
//   	ffffffff821f4dab pv_native_safe_halt+0xb ([kernel.kallsyms])
//   	ffffffff821f68b5 default_idle+0x5 ([kernel.kallsyms])
//   (blank line)
//
// Every header shape `perf script -F` prints is read: time, period, cpu and tid are each
// optional. Each sample weighs its period, as stackcollapse-perf.pl (since 2022) and inferno
// weigh it (a sample with no period printed weighs 1); `weight: 'samples'` counts samples
// instead. Frames are tidied as stackcollapse-perf.pl tidies them (perf-frames.ts) unless
// `rawFrames` keeps them as printed. Lines that are not a sample header, and the frames under
// them, are reported and skipped; so are frame lines that cannot be read. Nothing is fatal.
import type { MapEvent, TraceEvent } from '../contract/index.js';
import { LineSplitter, Problems, stackKey, type LineParser, type ParseResult } from './common.js';
import { rawPerfFrame, tidyPerfFrame, type RawPerfFrame } from './perf-frames.js';

export interface PerfImportOptions {
  /** 'period' (default): each sample weighs its period; 'samples': each counts 1. */
  weight?: 'period' | 'samples';
  /** Keep frames as perf printed them (no argument cutting, no inline split, no Java tidy). */
  rawFrames?: boolean;
}

/** comm  pid[/tid]  [cpu]  [secs.usecs:]  [period]  event:  [rest] */
const HEADER = /^(\S.*?)\s+(\d+)(?:\/(\d+))?\s+(?:\[(\d+)\]\s+)?(?:(\d+\.\d+):\s+)?(?:(\d+)\s+)?([^\s:][^\s]*?):(?:\s+(.*))?$/;
const HEX = /^[0-9a-fA-F]+$/;
/** perf's event modifiers (cycles:u, cpu-clock:ppp), dropped from the map name. */
const MODIFIERS = /:[ukhIGHpPSDWe]{1,8}$/;

/** A sample header line ("comm pid [cpu] time: period event:"). */
export function isPerfHeader(line: string): boolean {
  return HEADER.test(line.trimStart());
}

/** The map name of a perf event: "cpu-clock:ppp" → "@cpu_clock", "sched:sched_switch" → "@sched_sched_switch". */
export function perfEventMapName(event: string): string {
  return '@' + event.replace(MODIFIERS, '').replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * One frame line, "addr sym+off (dso)", as the frame text of a key: the symbol with its
 * offset (the engine strips offsets when it folds), or "[dso]" for an unknown symbol in a
 * known object (as stackcollapse-perf names it). null when the line is not a frame.
 */
export function perfFrame(line: string): string | null {
  const f = perfFrameParts(line);
  return f === null ? null : rawPerfFrame(f);
}

/** One frame line, "addr sym+off (dso)", split into its symbol and object; null when not a frame. */
export function perfFrameParts(line: string): RawPerfFrame | null {
  const t = line.trim();
  const sp = t.search(/\s/);
  const addr = sp < 0 ? t : t.slice(0, sp);
  if (!HEX.test(addr)) return null;
  let rest = sp < 0 ? '' : t.slice(sp + 1).trim();
  let dso = '';
  if (rest.endsWith(')')) {
    // The object is the last balanced (...): "(/memfd:x (deleted))" nests.
    let depth = 0;
    let i = rest.length - 1;
    for (; i >= 0; i--) {
      const c = rest[i];
      if (c === ')') depth++;
      else if (c === '(' && --depth === 0) break;
    }
    if (i >= 0) {
      dso = rest.slice(i + 1, -1);
      rest = rest.slice(0, i).trim();
    }
  }
  return { sym: rest, dso };
}

interface Sample {
  comm: string;
  event: string;
  line: number;
  /** Leaf first, as perf prints them. */
  frames: RawPerfFrame[];
  weight: number;
  /** Text after "event:" (a frame when the run had no call graphs). */
  tail: string;
  badFrames: number;
}

export class PerfScriptParser implements LineParser {
  private readonly problems = new Problems();
  /** Per event: key → samples, in the order events were first seen. */
  private readonly maps = new Map<string, Map<string, number>>();
  private cur: Sample | null = null;
  /** Inside a block whose header was not understood: its frame lines are skipped. */
  private skipping = false;
  private firstTime = NaN;
  private lastTime = NaN;
  samples = 0;
  /** Events whose sums left the exact range (reported once each). */
  private readonly inexact = new Set<string>();

  constructor(private readonly opts: PerfImportOptions = {}) {}

  line(s: string, lineNo: number): void {
    if (s.trim() === '') {
      this.endSample();
      this.skipping = false;
      return;
    }
    const c = s.charCodeAt(0);
    if (c === 35 /* # */) return; // perf script --header comments
    if (c === 32 || c === 9) {
      // perf right-aligns a short comm ("           false 39654 19115.48: 1 cycles:u: ..."
      // without -g): an indented line is a header when it reads as one, not as a frame.
      const h = HEADER.exec(s.trimStart());
      if (h && (h[5] !== undefined || perfFrameParts(s) === null)) {
        this.header(h, lineNo);
        return;
      }
      if (this.skipping) return;
      if (!this.cur) {
        this.problems.add(lineNo, `an indented line outside any sample: "${clip(s.trim())}"`);
        this.skipping = true;
        return;
      }
      const f = perfFrameParts(s);
      if (f === null) {
        if (this.cur.badFrames++ === 0) this.problems.add(lineNo, `not a frame ("address symbol (object)"): "${clip(s.trim())}"; skipped`);
        return;
      }
      this.cur.frames.push(f);
      return;
    }
    const m = HEADER.exec(s);
    if (!m) {
      this.endSample();
      this.problems.add(lineNo, `not a perf script sample header ("comm pid [cpu] time: period event:"): "${clip(s)}"; the block was skipped`);
      this.skipping = true;
      return;
    }
    this.header(m, lineNo);
  }

  private header(m: RegExpExecArray, lineNo: number): void {
    this.endSample();
    this.skipping = false;
    if (m[5] !== undefined) {
      const time = Number(m[5]);
      if (Number.isNaN(this.firstTime)) this.firstTime = time;
      this.lastTime = time;
    }
    const weight = this.opts.weight === 'samples' || m[6] === undefined ? 1 : Number(m[6]);
    this.cur = { comm: m[1], event: m[7], line: lineNo, frames: [], weight, tail: m[8] ?? '', badFrames: 0 };
  }

  private endSample(): void {
    const s = this.cur;
    if (!s) return;
    this.cur = null;
    let raw = s.frames;
    if (raw.length === 0 && s.tail) {
      // No call graph (perf record without -g): the sampled ip is on the header line.
      const f = perfFrameParts(s.tail);
      if (f !== null) raw = [f];
    }
    const frames: string[] = [];
    if (this.opts.rawFrames) for (const f of raw) frames.push(rawPerfFrame(f));
    else
      for (const f of raw) {
        const t = tidyPerfFrame(f, s.comm);
        for (let i = t.length - 1; i >= 0; i--) frames.push(t[i]); // leaf first
      }
    const key = stackKey(frames, [s.comm]);
    // One map per event, modifiers aside ("cycles:u" and "cycles" are one event).
    const event = s.event.replace(MODIFIERS, '');
    let m = this.maps.get(event);
    if (!m) {
      m = new Map();
      this.maps.set(event, m);
    }
    const prev = m.get(key) ?? 0;
    if (!Number.isSafeInteger(prev + s.weight) && Number.isInteger(s.weight) && !this.inexact.has(event)) {
      this.inexact.add(event);
      this.problems.add(s.line, `the periods of one stack add up beyond 2^53: ${s.event} is counted inexactly from here (import with --count-samples for exact counts)`);
    }
    m.set(key, prev + s.weight);
    this.samples++;
  }

  finish(): ParseResult {
    this.endSample();
    const t = Number.isNaN(this.firstTime) ? 0 : Math.max(0, Math.round((this.lastTime - this.firstTime) * 1000));
    const events: TraceEvent[] = [];
    const used = new Set<string>();
    for (const [event, counts] of this.maps) {
      let name = perfEventMapName(event);
      while (used.has(name)) name += '_';
      used.add(name);
      const entries: MapEvent['entries'] = [];
      for (const [key, value] of counts) entries.push({ key, value });
      events.push({ type: 'map', t, name, entries, snapshot: false });
    }
    return { events, problems: this.problems.done() };
  }
}

/** Parse a whole perf script text. */
export function parsePerfScript(text: string, opts: PerfImportOptions = {}): ParseResult {
  const p = new PerfScriptParser(opts);
  const s = new LineSplitter((l, n) => p.line(l, n));
  s.push(text);
  s.end();
  return p.finish();
}

function clip(s: string, n = 80): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
