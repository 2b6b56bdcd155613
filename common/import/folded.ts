// Folded stacks (Brendan Gregg's stackcollapse output, flamegraph.pl / inferno input):
// one stack a line, frames root first joined by ";", a space, then the sample count:
//   bash;main;read_input;__libc_read 12
// → one stack map whose keys are bpftrace's stack text (leaf first), so the engine folds it
// like a live `@[kstack] = count()`.
//
// Speed: a big file is mostly repeated frames. Lines are split with indexOf, counts are
// summed per distinct stack in a Map keyed by the folded text itself (V8 hashes it in C++),
// and the bpftrace key is built once per distinct stack at the end. Chunks can be pushed
// as they are read, so the input never has to be one string.
import type { MapEvent } from '../contract/index.js';
import { LineSplitter, parseCount, Problems, type LineParser, type ParseResult } from './common.js';
import { addCounts, countJson, parseExactCount, sumProblem, type Count } from './exact-counts.js';

/** The map an imported folded file becomes. */
export const FOLDED_MAP = '@stacks';

/**
 * The bpftrace key of one folded stack ("a;b;c" → "\n    c\n    b\n    a\n"). Frames split
 * as flamegraph.pl splits them (Perl's split): empty frames at the end are dropped (";;; 3"
 * has no frame: its samples count at the root), the others are kept, blank ones too
 * ("a;b; " has a blank leaf frame; "a;;c" an empty middle one).
 */
export function foldedStackToKey(stack: string): string {
  const frames = stack.split(';');
  while (frames.length > 0 && frames[frames.length - 1] === '') frames.pop();
  if (frames.length === 0) return '\n';
  // One join, not a += per frame: a flat string, and far less garbage for 100k stacks.
  frames.reverse();
  return '\n    ' + frames.join('\n    ') + '\n';
}

export class FoldedParser implements LineParser {
  private readonly counts = new Map<string, Count>();
  private readonly problems = new Problems();
  private differential = false;
  /** A stack ended in ";" (or had no text): its key may equal another's. */
  private trailingEmpty = false;
  /** Lines that held a stack. */
  stackLines = 0;

  constructor(private readonly mapName = FOLDED_MAP) {}

  line(s: string, lineNo: number): void {
    let end = s.length;
    while (end > 0) {
      const c = s.charCodeAt(end - 1);
      if (c !== 32 && c !== 9 && c !== 13) break;
      end--;
    }
    if (end === 0) return; // blank line
    let sp = end - 1;
    while (sp >= 0) {
      const c = s.charCodeAt(sp);
      if (c === 32 || c === 9) break;
      sp--;
    }
    if (sp < 0) {
      this.problems.add(lineNo, `no sample count: expected "frame;frame;... COUNT", got "${clip(s)}"`);
      return;
    }
    const countText = s.slice(sp + 1, end);
    const count = parseExactCount(countText);
    if (count === null || count < 0) {
      this.problems.add(lineNo, `"${clip(countText)}" is not a sample count (expected "frame;frame;... COUNT")`);
      return;
    }
    // One whitespace character before the count, as flamegraph.pl's /^(.*)\s+?(\d+)$/ takes
    // it: "a;b;  4" is the stack "a;b; ", whose leaf is a blank frame.
    let stackEnd = sp;
    // A differential file (difffolded.pl: "stack COUNT1 COUNT2"): flamegraph.pl draws the
    // second count, and so does this import. Only the characters just before the count are
    // looked at (a number after a space), not the whole line.
    let d = stackEnd;
    while (d > 0) {
      const c = s.charCodeAt(d - 1);
      if ((c >= 48 && c <= 57) || c === 46) d--;
      else break;
    }
    if (d < stackEnd && d > 0 && (s.charCodeAt(d - 1) === 32 || s.charCodeAt(d - 1) === 9) && !Number.isNaN(parseCount(s.slice(d, stackEnd)))) {
      if (!this.differential) {
        this.differential = true;
        this.problems.add(lineNo, 'two counts on a line (a differential folded file): the second count was imported');
      }
      stackEnd = d - 1;
    }
    // No frames at all (" 3", ";;; 3"): flamegraph.pl counts the samples in the total with no
    // frame of their own, and so does this import (an empty stack, drawn "[empty stack]").
    const stack = s.slice(0, stackEnd);
    if (stackEnd === 0 || s.charCodeAt(stackEnd - 1) === 59) this.trailingEmpty = true;
    const prev = this.counts.get(stack);
    if (prev !== undefined) {
      const sum = addCounts(prev, count);
      if (sum === null) {
        this.problems.add(lineNo, `this stack's count cannot stay exact (${sumProblem(prev, count)}): the line was not imported`);
        return;
      }
      this.counts.set(stack, sum);
    } else this.counts.set(stack, count);
    this.stackLines++;
  }

  finish(): ParseResult {
    const events: ParseResult['events'] = [];
    if (this.counts.size === 0) return { events, problems: this.problems.done() };
    let map: MapEvent;
    if (!this.trailingEmpty) {
      // Distinct texts give distinct keys. The keys (longer than the input: "\n    " per frame)
      // are built only when someone reads `entries`: the recording writer streams them from
      // the folded texts instead (foldedSourceOf), so a 35 MB file never has its stacks twice
      // in memory, nor 100k keys and their entry objects at once.
      map = lazyFoldedMap(this.mapName, this.counts);
    } else {
      // Texts that differ only in empty frames at the end ("a;b" and "a;b;") make one key:
      // summed, so a key is never written twice.
      const byKey = new Map<string, Count>();
      for (const [stack, value] of this.counts) {
        const key = foldedStackToKey(stack);
        const prev = byKey.get(key);
        byKey.set(key, prev === undefined ? value : (addCounts(prev, value) ?? Number(prev) + Number(value)));
        this.counts.delete(stack);
      }
      const entries: MapEvent['entries'] = [];
      for (const [key, value] of byKey) entries.push({ key, value: countJson(value) });
      map = { type: 'map', t: 0, name: this.mapName, entries, snapshot: false };
    }
    events.push(map);
    return { events, problems: this.problems.done() };
  }
}

const FOLDED_SOURCE = Symbol('kscope.foldedSource');

/**
 * A folded import's map whose entries are built from `counts` (folded text → count, input
 * order, no text ending in ";") when first read, as they always were: each key is
 * foldedStackToKey(text), each value countJson(count). Until then, foldedSourceOf gives the
 * texts to a writer that makes the same JSON without building the keys.
 */
function lazyFoldedMap(name: string, counts: Map<string, Count>): MapEvent {
  // `entries` defined where the literal puts it, so JSON.stringify keeps the key order.
  const map: MapEvent = { type: 'map', t: 0, name, entries: [], snapshot: false };
  const settle = (entries: MapEvent['entries']): void => {
    Object.defineProperty(map, 'entries', { value: entries, writable: true, enumerable: true, configurable: true });
    delete (map as unknown as Record<symbol, unknown>)[FOLDED_SOURCE];
  };
  Object.defineProperty(map, FOLDED_SOURCE, { value: counts, enumerable: false, configurable: true });
  Object.defineProperty(map, 'entries', {
    enumerable: true,
    configurable: true,
    get() {
      const entries: MapEvent['entries'] = [];
      // Each text is dropped once its key is built: the input chunks it was sliced from can
      // go while the keys grow (input order), so the two are not both whole in memory.
      for (const [stack, value] of counts) {
        entries.push({ key: foldedStackToKey(stack), value: countJson(value) });
        counts.delete(stack);
      }
      settle(entries);
      return entries;
    },
    set(v: MapEvent['entries']) {
      settle(v);
    },
  });
  return map;
}

/**
 * The folded texts of an imported map whose entries were not built yet (see lazyFoldedMap),
 * or null. Entry i is { key: foldedStackToKey(text), value: countJson(count) }, in order;
 * the caller must not change the map.
 */
export function foldedSourceOf(ev: MapEvent): ReadonlyMap<string, Count> | null {
  return ((ev as unknown as Record<symbol, unknown>)[FOLDED_SOURCE] as Map<string, Count> | undefined) ?? null;
}

/** Feed a folded file chunk by chunk (a file read in pieces, a paste). */
export class FoldedStream {
  readonly parser: FoldedParser;
  private readonly splitter: LineSplitter;

  constructor(mapName = FOLDED_MAP) {
    this.parser = new FoldedParser(mapName);
    this.splitter = new LineSplitter((l, n) => this.parser.line(l, n));
  }

  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  end(): ParseResult {
    this.splitter.end();
    return this.parser.finish();
  }
}

/** Parse a whole folded text. */
export function parseFolded(text: string, mapName = FOLDED_MAP): ParseResult {
  const s = new FoldedStream(mapName);
  s.push(text);
  return s.end();
}

function clip(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
