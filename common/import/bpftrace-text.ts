// bpftrace's TEXT output, as a terminal shows it (not -f json), back into the events a
// `-f json` run gives, so a pasted terminal session opens in the same charts:
//
//   Attaching 1 probe...                        → attached
//   @[bash]: 5   @c[cat, 42]: 1   @x: 7          → map (tuple parts joined by ",", as JSON keys are)
//   @s: count 2, average 15, total 30           → stats
//   @h:  /  @h[key]:  followed by                → hist (buckets as JSON gives them:
//     [4, 8)   12 |@@@@   |                        [4, 8) → min 4 max 7; (..., 0) → max -1;
//                                                  [100, ...) → min 100; K M G = 2^10.. in
//                                                  hist, 10^3.. in lhist)
//   @[\n    f1+4\n    f2+9\n, bash]: 5           → map whose key is the stack text
//   09:12:33 (time())                            → printf, and the clock of what follows
//   anything else                                → printf
//
// Prints of the same map again (interval `print(@x)`, the dump at exit) become new
// snapshots at later times (a repeated key starts a new print, except the same stack
// printed twice within one print, which is summed: see repeatsInSamePrint): at the time() header printed before them when there is one,
// else one second after the previous print. What looks like map output but cannot be read
// (buckets with no header, a key never closed, a header with nothing under it) is
// reported with its line numbers and skipped.
import type { Bucket, HistEvent, MapEvent, StatsEvent, StatsValue, TraceEvent } from '../contract/index.js';
import { compareInts, isExactInt } from '../contract/exact-int.js';
import { mergeRepeatedKeys } from '../bpftrace/repeated-keys.js';
import { FRAME_INDENT, LineSplitter, parseCount, Problems, type LineParser, type ParseResult } from './common.js';

interface RawBucket {
  open: '[' | '(';
  lo: string;
  hi: string | null;
  close: ']' | ')';
  count: number;
}

const BUCKET = /^([[(])\s*([^,\])]*?)\s*(?:,\s*([^\])]*?)\s*)?([\])])\s+(\d+)\s*(?:\|.*)?$/;
const LABEL = /^(-?\d+)([kKMGTPE]?)$/;
const ATTACH = /^Attach(?:ing|ed) (\d+) probes?/;
const CLOCK = /^(\d{1,2}):(\d{2}):(\d{2})$/;
const LOST = /^Lost (\d+) events/;
const STATS = /^count (-?\d+), average (-?\d+), total (-?\d+)$/;
const MAP_NAME = /^@([A-Za-z_][A-Za-z0-9_]*)?/;
const COMMAND = /^[$#]\s+(?:sudo\s+)?(?:\S*\/)?bpftrace\b/;
const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex
/** A multi-line key longer than this was not closed: report it rather than swallow the rest. */
const MAX_KEY_LINES = 2000;

export function parseBucketLine(line: string): RawBucket | null {
  const m = BUCKET.exec(line);
  if (!m) return null;
  const lo = m[2];
  const hi = m[3] ?? null;
  if (lo !== '...' && !LABEL.test(lo)) return null;
  if (hi !== null && hi !== '...' && !LABEL.test(hi)) return null;
  return { open: m[1] as '[' | '(', lo, hi, close: m[4] as ']' | ')', count: Number(m[5]) };
}

const POWERS: Record<string, number> = { '': 0, k: 1, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

function labelValue(label: string, base: number): number {
  const m = LABEL.exec(label)!;
  return Number(m[1]) * base ** POWERS[m[2]];
}

/**
 * Buckets as `-f json` gives them. hist() labels are powers of two with K = 2^10, lhist()
 * labels are linear with K = 1000 (newer bpftrace) — a block is a hist when every [a, b)
 * bucket doubles.
 */
export function resolveBuckets(raw: readonly RawBucket[]): Bucket[] {
  const finite = (b: RawBucket) => b.lo !== '...' && b.hi !== null && b.hi !== '...';
  const isHist = raw.every((b) => {
    if (!finite(b) || b.close === ']') return true;
    const lo = labelValue(b.lo, 1024);
    return lo > 0 && labelValue(b.hi!, 1024) === lo * 2;
  });
  const base = isHist ? 1024 : 1000;
  return raw.map((b) => {
    if (b.lo === '...') return { max: labelValue(b.hi === null || b.hi === '...' ? '0' : b.hi, base) - 1, count: b.count };
    const lo = labelValue(b.lo, base);
    if (b.hi === null) return { min: lo, max: lo, count: b.count };
    if (b.hi === '...') return { min: lo, count: b.count };
    const hi = labelValue(b.hi, base);
    return { min: lo, max: b.close === ']' ? hi : hi - 1, count: b.count };
  });
}

/** A stack part of a key with every frame indented (bpftrace's own text is; copies often are not). */
function normalizeStack(part: string): string {
  let out = '\n';
  for (const line of part.split('\n')) {
    const t = line.trimEnd();
    if (t.trim() === '') continue;
    out += (t.charCodeAt(0) === 32 || t.charCodeAt(0) === 9 ? t : FRAME_INDENT + t) + '\n';
  }
  return out;
}

function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  return s;
}

/**
 * A key as printed between `@name[` and `]:` → the key `-f json` gives: tuple parts
 * (printed ", "-separated) joined by ",", stack parts kept as their multi-line text
 * ("\n    f\n    g\n, bash" → "\n    f\n    g\n,bash"). A string that itself holds ", "
 * cannot be told from a tuple in text output; it is read as a tuple.
 */
export function textKeyToKey(raw: string): string {
  const parts: string[] = [];
  const n = raw.length;
  let i = 0;
  for (;;) {
    if (i < n && raw.charCodeAt(i) === 10) {
      // A stack runs to a "\n" that ends the key or is followed by ",".
      let end = n;
      let j = i;
      for (;;) {
        const nl = raw.indexOf('\n', j + 1);
        if (nl < 0) break;
        if (nl === n - 1 || raw.charCodeAt(nl + 1) === 44) {
          end = nl + 1;
          break;
        }
        j = nl;
      }
      parts.push(normalizeStack(raw.slice(i, end)));
      i = end;
      if (i >= n) break;
      i += raw.startsWith(', ', i) ? 2 : 1;
      continue;
    }
    let end: number;
    if (raw.charCodeAt(i) === 34) {
      // A quoted string (newer bpftrace quotes strings): its ", " are not separators.
      let q = i + 1;
      while (q < n && raw.charCodeAt(q) !== 34) q += raw.charCodeAt(q) === 92 ? 2 : 1;
      const sep = raw.indexOf(', ', q);
      end = sep < 0 ? n : sep;
    } else {
      const sep = raw.indexOf(', ', i);
      end = sep < 0 ? n : sep;
    }
    parts.push(unquote(raw.slice(i, end).trim()));
    if (end >= n) break;
    i = end + 2;
    if (i >= n) {
      parts.push('');
      break;
    }
  }
  return parts.join(',');
}

function splitTuple(inner: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0 && inner[i + 1] === ' ') {
      out.push(inner.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  out.push(inner.slice(start));
  return out;
}

/** A printed value: a number, a tuple "(1, a)" (as an array, as JSON gives it), or a string. */
export function parseValue(text: string): unknown {
  const n = parseCount(text);
  if (!Number.isNaN(n)) return n;
  if (text.startsWith('(') && text.endsWith(')')) return splitTuple(text.slice(1, -1)).map((p) => parseValue(p.trim()));
  return unquote(text);
}

/**
 * Whether a key already seen in this print is a repeat inside the same print rather than
 * the start of a new one. bpftrace's text output puts nothing between two prints of a map
 * (print(@) in an interval probe), so a repeated key normally starts a new print; but a
 * stack map prints the same stack text once per process that had it (@[ustack, comm]).
 * bpftrace prints a map sorted by value, ascending: a repeated stack key whose value does
 * not drop below the previous entry's continues the print; a drop means a new print began.
 */
function repeatsInSamePrint(g: Group, key: string | null, value: unknown): boolean {
  if (g.kind !== 'map' || key === null || !key.includes('\n')) return false;
  const prev = g.entries[g.entries.length - 1]?.value;
  if (!isExactInt(prev) || !isExactInt(value)) return false;
  return compareInts(value, prev) >= 0;
}

type Kind = 'map' | 'hist' | 'stats';
interface Group {
  kind: Kind;
  name: string;
  entries: { key: string | null; value?: unknown; buckets?: Bucket[] }[];
  keys: Set<string | null>;
  t: number;
}

export class BpftraceTextParser implements LineParser {
  private readonly events: TraceEvent[] = [];
  private readonly problems = new Problems();
  private t = 0;
  private clockSeen = false;
  private clockBase = 0;
  private lastClock = -1;
  private clockDays = 0;
  private readonly roundSeen = new Set<string>();
  private group: Group | null = null;
  private hist: { name: string; key: string | null; line: number; buckets: RawBucket[] } | null = null;
  private multi: { name: string; line: number; first: string; lines: string[] } | null = null;
  private stray: { from: number; to: number } | null = null;
  private command: string | null = null;
  private commandContinues = false;
  /** Map lines, histogram blocks and stats read. */
  aggregates = 0;

  line(raw: string, lineNo: number): void {
    let text = raw.includes('\x1b') ? raw.replace(ANSI, '') : raw;
    // ^C echoed by the terminal, often on the same line as the first map ("^C@[24576]: 45").
    if (text.startsWith('^C')) text = text.slice(2);
    if (this.multi) {
      if (this.multiLine(text, lineNo)) return;
    }
    if (this.hist) {
      const b = parseBucketLine(text.trim());
      if (b) {
        this.hist.buckets.push(b);
        return;
      }
      this.endHist();
    }
    if (this.stray) {
      if (parseBucketLine(text.trim())) {
        this.stray.to = lineNo;
        return;
      }
      this.endStray();
    }
    this.idle(text, lineNo);
  }

  private idle(text: string, lineNo: number): void {
    const trimmed = text.trim();
    if (trimmed === '') {
      // A blank line ends a print of a plain map (bpftrace prints one after each); keyed
      // histograms print one between keys, so theirs go on.
      if (this.group && this.group.kind !== 'hist') this.flushGroup();
      return;
    }
    if (this.commandContinues) {
      this.command += '\n' + trimmed;
      this.commandContinues = trimmed.endsWith('\\');
      return;
    }
    if (this.command === null && COMMAND.test(trimmed)) {
      this.command = trimmed;
      this.commandContinues = trimmed.endsWith('\\');
      return;
    }
    if (trimmed[0] === '@') {
      this.mapLine(trimmed, lineNo);
      return;
    }
    if (parseBucketLine(trimmed)) {
      this.stray = { from: lineNo, to: lineNo };
      return;
    }
    if (trimmed === '[...]' || trimmed === '...') {
      this.problems.add(lineNo, `"${trimmed}": output left out by whoever copied it; skipped`);
      return;
    }
    let m = ATTACH.exec(trimmed);
    if (m) {
      this.flushGroup();
      this.events.push({ type: 'attached', t: this.t, probes: Number(m[1]) });
      return;
    }
    m = CLOCK.exec(trimmed);
    if (m) {
      this.clock(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
      this.events.push({ type: 'printf', t: this.t, text: text + '\n' });
      return;
    }
    m = LOST.exec(trimmed);
    if (m) {
      this.events.push({ type: 'lost', t: this.t, events: Number(m[1]) });
      return;
    }
    const err = /^(?:\S+:\d+:\d+(?:-\d+)?: )?(ERROR|WARNING): (.*)$/.exec(trimmed);
    if (err) {
      this.events.push(err[1] === 'ERROR' ? { type: 'error', t: this.t, message: err[2] } : { type: 'warning', t: this.t, message: err[2] });
      return;
    }
    this.flushGroup();
    this.events.push({ type: 'printf', t: this.t, text: text + '\n' });
  }

  /** A time() line: what follows was printed at that wall-clock second. */
  private clock(secs: number): void {
    this.flushGroup();
    if (!this.clockSeen) {
      this.clockSeen = true;
      this.clockBase = secs;
    } else if (secs < this.lastClock) this.clockDays++;
    this.lastClock = secs;
    this.t = Math.max(this.t, (secs + this.clockDays * 86400 - this.clockBase) * 1000);
    this.roundSeen.clear();
  }

  private mapLine(text: string, lineNo: number): void {
    const name = '@' + (MAP_NAME.exec(text)![1] ?? '');
    const i = name.length;
    if (text[i] === ':') {
      const rest = text.slice(i + 1).trim();
      if (rest === '') this.hist = { name, key: null, line: lineNo, buckets: [] };
      else this.value(name, null, rest);
      return;
    }
    if (text[i] === '[') {
      const close = text.indexOf(']:', i + 1);
      if (close < 0) {
        this.multi = { name, line: lineNo, first: text.slice(i + 1), lines: [] };
        return;
      }
      const key = textKeyToKey(text.slice(i + 1, close));
      const rest = text.slice(close + 2).trim();
      if (rest === '') this.hist = { name, key, line: lineNo, buckets: [] };
      else this.value(name, key, rest);
      return;
    }
    // Kept as printed text (it may be the script's own printf), and reported.
    this.problems.add(lineNo, `not a map line ("@name: value", "@name[key]: value" or "@name:" over a histogram): "${clip(text)}"; kept as printed text`);
    this.flushGroup();
    this.events.push({ type: 'printf', t: this.t, text: text + '\n' });
  }

  /** One line of a key printed over several lines (stacks). True when the line was used. */
  private multiLine(text: string, lineNo: number): boolean {
    const mk = this.multi!;
    if (text.trimStart().startsWith('@') || mk.lines.length >= MAX_KEY_LINES) {
      this.problems.add(mk.line, `lines ${mk.line}–${lineNo - 1}: the key of ${mk.name} opened with "[" was never closed with "]: value"; skipped`);
      this.multi = null;
      return false;
    }
    const close = text.indexOf(']:');
    if (close < 0) {
      mk.lines.push(text);
      return true;
    }
    this.multi = null;
    const raw = mk.first + '\n' + mk.lines.map((l) => l + '\n').join('') + text.slice(0, close);
    const key = textKeyToKey(raw);
    const rest = text.slice(close + 2).trim();
    if (rest === '') this.hist = { name: mk.name, key, line: mk.line, buckets: [] };
    else this.value(mk.name, key, rest);
    return true;
  }

  private value(name: string, key: string | null, rest: string): void {
    const s = STATS.exec(rest);
    if (s) {
      const v: StatsValue = { count: Number(s[1]), average: Number(s[2]), total: Number(s[3]) };
      this.add('stats', name, key, { value: v });
    } else this.add('map', name, key, { value: parseValue(rest) });
  }

  private endHist(): void {
    const h = this.hist!;
    this.hist = null;
    if (h.buckets.length === 0) {
      this.problems.add(h.line, `${h.name}${h.key === null ? '' : `[${clip(h.key.trim())}]`}: printed with no value and no histogram under it; skipped`);
      return;
    }
    this.add('hist', h.name, h.key, { buckets: resolveBuckets(h.buckets) });
  }

  private endStray(): void {
    const s = this.stray!;
    this.stray = null;
    const where = s.from === s.to ? `line ${s.from}` : `lines ${s.from}–${s.to}`;
    this.problems.add(s.from, `${where}: histogram buckets with no "@name:" line above them; skipped`);
  }

  private add(kind: Kind, name: string, key: string | null, v: { value?: unknown; buckets?: Bucket[] }): void {
    this.aggregates++;
    const g = this.group;
    if (g && g.name === name && g.kind === kind && (!g.keys.has(key) || repeatsInSamePrint(g, key, v.value))) {
      g.entries.push({ key, ...v });
      g.keys.add(key);
      return;
    }
    this.flushGroup();
    if (this.roundSeen.has(name)) {
      // The same map printed again: a later snapshot.
      this.t += this.clockSeen ? 1 : 1000;
      this.roundSeen.clear();
    }
    this.roundSeen.add(name);
    this.group = { kind, name, entries: [{ key, ...v }], keys: new Set([key]), t: this.t };
  }

  private flushGroup(): void {
    const g = this.group;
    if (!g) return;
    this.group = null;
    let e: HistEvent | StatsEvent | MapEvent;
    if (g.kind === 'hist') {
      e = { type: 'hist', t: g.t, name: g.name, entries: g.entries.map((x) => ({ key: x.key, buckets: x.buckets! })), snapshot: false };
    } else if (g.kind === 'stats') {
      e = { type: 'stats', t: g.t, name: g.name, entries: g.entries.map((x) => ({ key: x.key, value: x.value as StatsValue })), snapshot: false };
    } else {
      e = { type: 'map', t: g.t, name: g.name, entries: g.entries.map((x) => ({ key: x.key, value: x.value })), snapshot: false };
    }
    // The same stack printed twice in one print (two processes): summed, as the live decoder does.
    const dups = mergeRepeatedKeys(e);
    if (dups.length > 0) e.duplicateKeys = dups;
    this.events.push(e);
  }

  finish(): ParseResult & { script: string | null } {
    if (this.multi) {
      const mk = this.multi;
      this.problems.add(mk.line, `lines ${mk.line}–${mk.line + mk.lines.length}: the key of ${mk.name} opened with "[" was never closed with "]: value" (the text ends); skipped`);
      this.multi = null;
    }
    if (this.hist) this.endHist();
    if (this.stray) this.endStray();
    this.flushGroup();
    return { events: this.events, problems: this.problems.done(), script: scriptOf(this.command) };
  }
}

/** The script of a pasted `$ bpftrace -e '...'` command line, else the command itself. */
function scriptOf(command: string | null): string | null {
  if (command === null) return null;
  const joined = command.replace(/\\\n\s*/g, ' ');
  const m = /\s-e\s+'([^']*)'/.exec(joined) ?? /\s-e\s+"((?:[^"\\]|\\.)*)"/.exec(joined);
  return m ? m[1] : joined.replace(/^[$#]\s+/, '');
}

/** Parse a whole bpftrace text output. */
export function parseBpftraceText(text: string): ParseResult & { script: string | null } {
  const p = new BpftraceTextParser();
  const s = new LineSplitter((l, n) => p.line(l, n));
  s.push(text);
  s.end();
  return p.finish();
}

function clip(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
