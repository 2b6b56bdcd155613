// The probe search index. Pure: built from (name, type, group) triples, answers bpftrace -l
// globs, ranked fuzzy queries and "everything" pages, with highlight positions and
// near-match suggestions. Every query does bounded work (overlong patterns are refused,
// glob matching is linear per component with a global step budget).
import { availableFirst } from './available-first.js';
import { PROBE_TYPES, probeTypeOf, type ProbeSummary, type ProbeType } from '../../common/contract/index.js';

export interface IndexEntry {
  name: string;
  type: ProbeType;
  group: string;
}

export interface SearchParams {
  query: string;
  types?: ProbeType[];
  group?: string;
  offset: number;
  limit: number;
  /** Is a probe type available on this kernel (for ProbeSummary.available)? */
  available?: (t: ProbeType) => boolean;
}

export interface SearchResult {
  mode: 'all' | 'glob' | 'fuzzy';
  total: number;
  probes: ProbeSummary[];
  suggestions: string[];
  notes: string[];
  /** How many of `total` this kernel can attach (they come first). */
  available?: number;
}

/** Longest query kscope searches; longer ones are refused with a note. */
export const MAX_QUERY = 512;
/** Glob steps per query before the search stops with a note (bounds adversarial patterns). */
export const GLOB_STEP_BUDGET = 50_000_000;

const TYPE_INDEX = new Map<ProbeType, number>(PROBE_TYPES.map((t, i) => [t, i]));
const GLOB_CHARS = /[*?[]/;

/** Which search a query gets: '' → all; glob chars or ':' → glob; anything else → fuzzy. */
export function queryMode(query: string): 'all' | 'glob' | 'fuzzy' {
  const q = query.trim();
  if (q === '') return 'all';
  if (GLOB_CHARS.test(q) || q.includes(':')) return 'glob';
  return 'fuzzy';
}

function charBit(c: number): number {
  if (c >= 97 && c <= 122) return 1 << (c - 97);
  if (c >= 48 && c <= 57) return 1 << 26;
  if (c === 95) return 1 << 27;
  if (c === 58) return 1 << 28;
  if (c === 46) return 1 << 29;
  if (c === 47) return 1 << 30;
  return 1 << 31;
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/** Bits of the characters that start a word (at 0 or after a non-alphanumeric character). */
function wordStartMaskOf(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || !isWordChar(s.charCodeAt(i - 1))) m |= charBit(s.charCodeAt(i));
  return m | 0;
}

function maskOf(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) m |= charBit(s.charCodeAt(i));
  return m | 0;
}

// ---- glob compilation: one matcher per ':'-separated component, no regex ----

const T_ANY = -1;
const T_STAR = -2;
// class k is encoded as -3 - k

interface GlobComp {
  /** The component has no wildcard: compare as a string. */
  literal: string | null;
  /** Literal text the component must start / end with (quick rejection). */
  head: string;
  tail: string;
  tokens: Int32Array;
  classes: Array<(c: number) => boolean>;
}

export function compileComponent(src: string): GlobComp {
  if (!GLOB_CHARS.test(src)) return { literal: src, head: src, tail: src, tokens: new Int32Array(0), classes: [] };
  const tokens: number[] = [];
  const classes: Array<(c: number) => boolean> = [];
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '*') {
      if (tokens[tokens.length - 1] !== T_STAR) tokens.push(T_STAR); // collapse ** (no nested stars)
    } else if (ch === '?') tokens.push(T_ANY);
    else if (ch === '[') {
      const close = src.indexOf(']', i + 2);
      if (close === -1) {
        tokens.push(ch.charCodeAt(0)); // a lone '[' is a literal
        continue;
      }
      let body = src.slice(i + 1, close);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      const ranges: Array<[number, number]> = [];
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === '-' && j + 2 < body.length) {
          ranges.push([body.charCodeAt(j), body.charCodeAt(j + 2)]);
          j += 2;
        } else ranges.push([body.charCodeAt(j), body.charCodeAt(j)]);
      }
      classes.push((c) => {
        let hit = false;
        for (const [a, b] of ranges) if (c >= a && c <= b) hit = true;
        return hit !== negate;
      });
      tokens.push(-3 - (classes.length - 1));
      i = close;
    } else tokens.push(ch.charCodeAt(0));
  }
  const head = /^[^*?[]*/.exec(src)![0];
  const tail = /[^*?\]]*$/.exec(src)![0].replace(/^.*\[.*$/, '');
  return { literal: null, head, tail, tokens: Int32Array.from(tokens), classes };
}

interface Budget {
  steps: number;
  exhausted: boolean;
}

/** Does s[a, b) match the component? Linear-time greedy matcher with one star backtrack point. */
function matchComp(g: GlobComp, s: string, a: number, b: number, budget: Budget): boolean {
  if (g.literal !== null) return b - a === g.literal.length && s.startsWith(g.literal, a);
  const tok = g.tokens;
  if (tok.length === 1 && tok[0] === T_STAR) return true;
  if (b - a < g.head.length + g.tail.length && g.tail !== '' && g.head !== '') return false;
  if (g.head && !s.startsWith(g.head, a)) return false;
  if (g.tail && !(b - a >= g.tail.length && s.startsWith(g.tail, b - g.tail.length))) return false;
  const m = tok.length;
  let i = a;
  let p = 0;
  let starP = -1;
  let starI = 0;
  let steps = 0;
  while (i < b) {
    steps++;
    const t = p < m ? tok[p] : 0;
    if (p < m && t !== T_STAR && (t >= 0 ? t === s.charCodeAt(i) : t === T_ANY ? true : g.classes[-3 - t](s.charCodeAt(i)))) {
      i++;
      p++;
    } else if (p < m && t === T_STAR) {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else {
      budget.steps += steps;
      return false;
    }
  }
  budget.steps += steps;
  while (p < m && tok[p] === T_STAR) p++;
  return p === m;
}

interface CompiledGlob {
  /** Allowed probe types (by index), or null for all. */
  types: Uint8Array | null;
  comps: GlobComp[];
  /** The longest literal run (lower-cased) a match must contain: used to pre-filter. */
  needle: string | null;
  /** The pattern after the type (what a name's rest must match). */
  rest: string;
  notes: string[];
}

function literalRuns(src: string): string[] {
  return src
    .replace(/\[[^\]]*\]/g, '*')
    .split(/[*?]/)
    .filter((r) => r.length > 0);
}

export function compileGlob(pattern: string): CompiledGlob {
  const notes: string[] = [];
  let types: Uint8Array | null = null;
  let restSrc: string[];
  const parts = pattern.split(':');
  if (parts.length === 1) restSrc = parts;
  else {
    const head = parts[0];
    const exact = probeTypeOf(head);
    if (exact) {
      types = new Uint8Array(PROBE_TYPES.length);
      types[TYPE_INDEX.get(exact)!] = 1;
      restSrc = parts.slice(1);
    } else if (GLOB_CHARS.test(head)) {
      const g = compileComponent(head);
      const b: Budget = { steps: 0, exhausted: false };
      types = new Uint8Array(PROBE_TYPES.length);
      PROBE_TYPES.forEach((t, i) => {
        if (matchComp(g, t, 0, t.length, b)) types![i] = 1;
      });
      restSrc = parts.slice(1);
    } else {
      notes.push(`'${head}' is not a probe type: matching '${pattern}' against the ends of all probe names`);
      restSrc = parts;
    }
  }
  const comps = restSrc.map(compileComponent);
  let needle: string | null = null;
  for (const c of restSrc) for (const r of literalRuns(c)) if (!needle || r.length > needle.length) needle = r.toLowerCase();
  return { types, comps, needle, rest: restSrc.join(':'), notes };
}

// ---- edit distance (banded, bounded) ----

/** Levenshtein distance if ≤ max, else max + 1 (stops as soon as a row exceeds max). */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const m = b.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      let v = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[m], max + 1);
}

// ---- the index ----

export class SearchIndex {
  readonly size: number;
  private readonly names: string[];
  private readonly typeIdx: Uint8Array;
  private readonly groupId: Int32Array;
  private readonly groupNames: string[];
  private readonly restStart: Uint16Array;
  /** Lower-cased name after `type:` (the whole name when there is no ':'). */
  private readonly lowerRest: string[];
  /** Start of the last ':' component in lowerRest. */
  private readonly lastStart: Uint16Array;
  private readonly masks: Int32Array;
  private readonly wordStarts: Int32Array;
  /** First character (lower-cased) of the last component, and the last component's length. */
  private readonly lastFirst: Uint16Array;
  /** '\n' + lowerRest joined with '\n' + '\n', and where each entry starts in it (size + 1 entries). */
  private readonly hay: string;
  private readonly hayStart: Int32Array;
  private readonly byType: Int32Array[];
  private byName: Map<string, number> | null = null;
  private lastComps: { keys: string[]; first: Int32Array; byLen: Map<number, number[]> } | null = null;
  private prev: { q: string; filter: string; substr: Int32Array; all: Int32Array; fuzzy: boolean } | null = null;

  constructor(entries: IndexEntry[]) {
    const n = entries.length;
    this.size = n;
    this.names = new Array<string>(n);
    this.typeIdx = new Uint8Array(n);
    this.groupId = new Int32Array(n);
    this.restStart = new Uint16Array(n);
    this.lastStart = new Uint16Array(n);
    this.lowerRest = new Array<string>(n);
    this.masks = new Int32Array(n);
    this.wordStarts = new Int32Array(n);
    this.lastFirst = new Uint16Array(n);
    this.hayStart = new Int32Array(n + 1);
    const groups = new Map<string, number>();
    this.groupNames = [];
    const typeCounts = new Array<number>(PROBE_TYPES.length).fill(0);
    const hayParts: string[] = new Array<string>(n);
    let pos = 1;
    for (let i = 0; i < n; i++) {
      const e = entries[i];
      this.names[i] = e.name;
      const ti = TYPE_INDEX.get(e.type) ?? 0;
      this.typeIdx[i] = ti;
      typeCounts[ti]++;
      let g = groups.get(e.group);
      if (g === undefined) {
        g = this.groupNames.length;
        groups.set(e.group, g);
        this.groupNames.push(e.group);
      }
      this.groupId[i] = g;
      const c = e.name.indexOf(':');
      const rs = c === -1 ? 0 : c + 1;
      this.restStart[i] = Math.min(rs, 65535);
      const lr = e.name.slice(rs).toLowerCase();
      this.lowerRest[i] = lr;
      this.lastStart[i] = Math.min(lr.lastIndexOf(':') + 1, 65535);
      this.masks[i] = maskOf(lr);
      this.wordStarts[i] = wordStartMaskOf(lr);
      this.lastFirst[i] = lr.charCodeAt(this.lastStart[i]) || 0;
      this.hayStart[i] = pos;
      hayParts[i] = lr;
      pos += lr.length + 1;
    }
    this.hayStart[n] = pos;
    this.hay = '\n' + hayParts.join('\n') + '\n';
    this.byType = typeCounts.map((c) => new Int32Array(c));
    const fill = new Array<number>(PROBE_TYPES.length).fill(0);
    for (let i = 0; i < n; i++) this.byType[this.typeIdx[i]][fill[this.typeIdx[i]]++] = i;
  }

  name(id: number): string {
    return this.names[id];
  }
  type(id: number): ProbeType {
    return PROBE_TYPES[this.typeIdx[id]];
  }
  group(id: number): string {
    return this.groupNames[this.groupId[id]];
  }

  /** The id of a probe by exact name, or -1. */
  find(name: string): number {
    if (!this.byName) {
      this.byName = new Map();
      for (let i = 0; i < this.size; i++) if (!this.byName.has(this.names[i])) this.byName.set(this.names[i], i);
    }
    return this.byName.get(name) ?? -1;
  }

  /** Per type: count and groups with counts (in first-seen order). */
  tree(): Map<ProbeType, { count: number; groups: Map<string, number> }> {
    const out = new Map<ProbeType, { count: number; groups: Map<string, number> }>();
    for (let t = 0; t < PROBE_TYPES.length; t++) {
      const ids = this.byType[t];
      if (ids.length === 0) continue;
      const groups = new Map<string, number>();
      for (let k = 0; k < ids.length; k++) {
        const g = this.groupNames[this.groupId[ids[k]]];
        groups.set(g, (groups.get(g) ?? 0) + 1);
      }
      out.set(PROBE_TYPES[t], { count: ids.length, groups });
    }
    return out;
  }

  search(p: SearchParams): SearchResult {
    const query = p.query.trim();
    const mode = queryMode(query);
    const notes: string[] = [];
    if (query.length > MAX_QUERY) {
      notes.push(`the pattern is ${query.length} characters long; kscope searches patterns of at most ${MAX_QUERY} characters`);
      return { mode, total: 0, probes: [], suggestions: [], notes };
    }
    const allowed = this.allowedTypes(p.types);
    const groupFilter = p.group !== undefined ? this.groupNames.indexOf(p.group) : -2;
    if (groupFilter === -1) return { mode, total: 0, probes: [], suggestions: [], notes: [`no group '${p.group}'`] };
    if (mode === 'all') {
      const r = this.ranked(this.filtered(allowed, groupFilter), p);
      return { mode, total: r.ids.length, available: r.available, probes: this.page(r.ids, p, null), suggestions: [], notes };
    }
    if (mode === 'glob') {
      let g = compileGlob(query);
      notes.push(...g.notes);
      let ids = this.globIds(g, allowed, groupFilter, notes);
      if (ids.length === 0 && !GLOB_CHARS.test(query)) {
        // bpftrace -l lists only exact names for a pattern without wildcards; show what starts with it
        // (`tracepoint:syscalls` → tracepoint:syscalls:*, `tracepoint:sched_sw` → tracepoint:*:sched_sw*).
        ids = this.restPrefixIds(g, allowed, groupFilter);
        if (ids.length === 0) {
          g = compileGlob(query + '*');
          ids = this.globIds(g, allowed, groupFilter, notes);
        }
        if (ids.length) notes.push(`no probe is named exactly '${query}'; showing probes that start with it`);
      }
      const suggestions = ids.length === 0 ? this.suggest(this.lastLiteral(query), this.intersect(allowed, g.types), groupFilter, true) : [];
      const r = this.ranked(ids, p);
      return { mode, total: r.ids.length, available: r.available, probes: this.page(r.ids, p, null), suggestions, notes };
    }
    const q = query.toLowerCase();
    const r = this.fuzzyIds(q, allowed, groupFilter);
    const suggestions = r.ids.length === 0 ? this.suggest(q.split(/\s+/).pop() ?? q, allowed, groupFilter, false) : [];
    const ranked = this.ranked(r.ids, p);
    return { mode, total: ranked.ids.length, available: ranked.available, probes: this.page(ranked.ids, p, r.words), suggestions, notes };
  }

  private allowedTypes(types?: ProbeType[]): Uint8Array | null {
    if (!types || types.length === 0) return null;
    const a = new Uint8Array(PROBE_TYPES.length);
    for (const t of types) a[TYPE_INDEX.get(t)!] = 1;
    return a;
  }

  private filtered(allowed: Uint8Array | null, group: number): Int32Array {
    if (!allowed && group < 0) {
      const all = new Int32Array(this.size);
      for (let i = 0; i < this.size; i++) all[i] = i;
      return all;
    }
    const out: number[] = [];
    for (let t = 0; t < PROBE_TYPES.length; t++) {
      if (allowed && !allowed[t]) continue;
      const ids = this.byType[t];
      for (let k = 0; k < ids.length; k++) if (group < 0 || this.groupId[ids[k]] === group) out.push(ids[k]);
    }
    return Int32Array.from(out);
  }

  /** Available types first (stable), when availability is known. */
  private ranked(ids: ArrayLike<number>, p: SearchParams): { ids: ArrayLike<number>; available: number } {
    if (!p.available) return { ids, available: ids.length };
    const ok = PROBE_TYPES.map((t) => p.available!(t));
    if (ok.every(Boolean)) return { ids, available: ids.length };
    return availableFirst(ids, (id) => this.typeIdx[id], (t) => ok[t]);
  }

  private page(ids: ArrayLike<number>, p: SearchParams, words: string[] | null): ProbeSummary[] {
    const out: ProbeSummary[] = [];
    const end = Math.min(ids.length, p.offset + p.limit);
    for (let k = p.offset; k < end; k++) {
      const id = ids[k];
      const type = PROBE_TYPES[this.typeIdx[id]];
      const s: ProbeSummary = { name: this.names[id], type, group: this.groupNames[this.groupId[id]], available: p.available ? p.available(type) : true };
      if (words) s.matches = this.highlight(id, words);
      out.push(s);
    }
    return out;
  }

  // ---- glob ----

  private globIds(g: CompiledGlob, allowed: Uint8Array | null, group: number, notes: string[]): Int32Array {
    const budget: Budget = { steps: 0, exhausted: false };
    const out: number[] = [];
    const typeOk = (t: number) => (!g.types || g.types[t]) && (!allowed || allowed[t]);
    if (g.comps.length === 1 && g.comps[0].tokens.length === 1 && g.comps[0].tokens[0] === T_STAR) {
      // `*` or `type:*`: every name of the types.
      return this.filtered(this.intersect(allowed, g.types), group);
    }
    const test = (id: number): boolean => {
      if (group >= 0 && this.groupId[id] !== group) return false;
      return this.matchGlob(g.comps, this.names[id], this.restStart[id], budget);
    };
    if (g.needle) {
      // Candidates: entries whose lower-cased name contains the longest literal run.
      const hay = this.hay;
      const starts = this.hayStart;
      let pos = hay.indexOf(g.needle);
      let e = 0;
      while (pos !== -1) {
        while (starts[e + 1] <= pos) e++;
        if (typeOk(this.typeIdx[e]) && test(e)) out.push(e);
        if (budget.steps > GLOB_STEP_BUDGET) break;
        pos = hay.indexOf(g.needle, starts[e + 1]);
      }
    } else {
      for (let t = 0; t < PROBE_TYPES.length; t++) {
        if (!typeOk(t)) continue;
        const ids = this.byType[t];
        for (let k = 0; k < ids.length; k++) {
          if (test(ids[k])) out.push(ids[k]);
          if (budget.steps > GLOB_STEP_BUDGET) break;
        }
        if (budget.steps > GLOB_STEP_BUDGET) break;
      }
    }
    if (budget.steps > GLOB_STEP_BUDGET) notes.push('the pattern is too expensive to match against every probe; the search stopped early and the results are incomplete');
    return Int32Array.from(out);
  }

  /** Entries (of the glob's types) whose name after the type starts with the glob's rest (case-sensitive). */
  private restPrefixIds(g: CompiledGlob, allowed: Uint8Array | null, group: number): Int32Array {
    const out: number[] = [];
    const prefix = g.rest;
    const hay = this.hay;
    const starts = this.hayStart;
    const needle = '\n' + prefix.toLowerCase();
    let pos = hay.indexOf(needle);
    let e = 0;
    while (pos !== -1 && pos < hay.length - 1) {
      while (starts[e + 1] <= pos + 1) e++;
      const t = this.typeIdx[e];
      if ((!g.types || g.types[t]) && (!allowed || allowed[t]) && (group < 0 || this.groupId[e] === group) && this.names[e].startsWith(prefix, this.restStart[e])) out.push(e);
      pos = hay.indexOf(needle, starts[e + 1] - 1);
    }
    return Int32Array.from(out);
  }

  private intersect(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
    if (!a) return b;
    if (!b) return a;
    return a.map((v, i) => (v && b[i] ? 1 : 0));
  }

  /** Match the last comps.length ':'-components of name (after the type) against the pattern, right-aligned. */
  private matchGlob(comps: GlobComp[], s: string, restStart: number, budget: Budget): boolean {
    let end = s.length;
    for (let j = comps.length - 1; j >= 0; j--) {
      const colon = end > restStart ? s.lastIndexOf(':', end - 1) : -1;
      let start: number;
      if (colon >= restStart) start = colon + 1;
      else if (j === 0) start = restStart;
      else return false;
      if (!matchComp(comps[j], s, start, end, budget)) return false;
      end = colon;
    }
    return true;
  }

  private lastLiteral(pattern: string): string {
    const last = pattern.split(':').pop() ?? pattern;
    return literalRuns(last)
      .sort((a, b) => b.length - a.length)[0]
      ?.toLowerCase() ?? '';
  }

  // ---- fuzzy ----

  private fuzzyIds(q: string, allowed: Uint8Array | null, group: number): { ids: Int32Array; words: string[] } {
    const words = q.split(/\s+/).filter(Boolean);
    const filterKey = `${allowed ? allowed.join('') : '*'}|${group}`;
    const n = this.size;
    const ok = (id: number): boolean => (!allowed || allowed[this.typeIdx[id]] === 1) && (group < 0 || this.groupId[id] === group);
    if (words.length > 1) {
      // Several words: each must occur (any order); ranked shorter first.
      const first = this.substringIds(words[0], ok);
      const hits: number[] = [];
      for (const id of first) if (words.every((w) => this.lowerRest[id].includes(w))) hits.push(id);
      return { ids: this.sortByLength([hits])[0], words };
    }
    const tiers: number[][] = [[], [], [], []];
    const colonQ = `:${q}:`;
    const startQ = `${q}:`;
    const lowerRest = this.lowerRest;
    const lastStart = this.lastStart;
    const qlen = q.length;
    // Tier of an entry whose rest contains q: 0 a whole component, 1 prefix of the last component, 2 elsewhere.
    const classify = (id: number): number => {
      const s = lowerRest[id];
      const ls = lastStart[id];
      if (ls === 0) return s.startsWith(q) ? (s.length === qlen ? 0 : 1) : 2;
      if (s.startsWith(q, ls)) return s.length - ls === qlen || s.includes(colonQ) || s.startsWith(startQ) ? 0 : 1;
      return s.includes(colonQ) || s.startsWith(startQ) ? 0 : 2;
    };
    const prev = this.prev && this.prev.filter === filterKey && q.startsWith(this.prev.q) ? this.prev : null;
    const mark = this.scratch();
    let substring = 0;
    if (prev) {
      // Typing on: every substring match of q was a substring match of its prefix.
      for (const id of prev.substr) {
        if (lowerRest[id].includes(q)) {
          tiers[classify(id)].push(id);
          mark[id] = 1;
          substring++;
        }
      }
    } else if (qlen === 1 && q >= 'a' && q <= 'z') {
      // One letter: the character mask says exactly which names contain it.
      const bit = charBit(q.charCodeAt(0));
      const c = q.charCodeAt(0);
      const masks = this.masks;
      const lastFirst = this.lastFirst;
      for (let e = 0; e < n; e++) {
        if ((masks[e] & bit) === 0 || !ok(e)) continue;
        let tier: number;
        if (lastFirst[e] === c) tier = lowerRest[e].length - lastStart[e] === 1 ? 0 : 1;
        else tier = lastStart[e] !== 0 && (lowerRest[e].includes(colonQ) || lowerRest[e].startsWith(startQ)) ? 0 : 2;
        tiers[tier].push(e);
        mark[e] = 1;
        substring++;
      }
    } else {
      const hay = this.hay;
      const starts = this.hayStart;
      let pos = hay.indexOf(q);
      let e = 0;
      while (pos !== -1) {
        while (starts[e + 1] <= pos) e++;
        if (ok(e)) {
          tiers[classify(e)].push(e);
          mark[e] = 1;
          substring++;
        }
        pos = hay.indexOf(q, starts[e + 1]);
      }
    }
    // Subsequence (fuzzy) matches: for 3+ characters, when the substring matches leave room
    // on the first pages (FUZZY_FILL); ranked after every substring match.
    const fuzzy = qlen >= 3 && substring < FUZZY_FILL;
    if (fuzzy) {
      const qm = maskOf(q);
      const q0 = charBit(q.charCodeAt(0));
      const masks = this.masks;
      const ws = this.wordStarts;
      const check = (id: number) => {
        if (mark[id] || (masks[id] & qm) !== qm || (ws[id] & q0) === 0) return;
        if (fuzzySpan(q, lowerRest[id]) !== -1) {
          tiers[3].push(id);
          mark[id] = 2;
        }
      };
      if (prev?.fuzzy) for (const id of prev.all) check(id);
      else
        for (let t = 0; t < PROBE_TYPES.length; t++) {
          if (allowed && !allowed[t]) continue;
          const ids = this.byType[t];
          for (let k = 0; k < ids.length; k++) if (group < 0 || this.groupId[ids[k]] === group) check(ids[k]);
        }
    }
    const sorted = this.sortByLength(tiers);
    let total = 0;
    for (const t of sorted) total += t.length;
    const ids = new Int32Array(total);
    let o = 0;
    for (const t of sorted) {
      ids.set(t, o);
      o += t.length;
    }
    // Remember the matches (in index order) for the next keystroke; clear the scratch marks.
    const substr = new Int32Array(substring);
    const all = new Int32Array(total);
    let a = 0;
    let b = 0;
    for (let t = 0; t < 3; t++) for (const id of tiers[t]) mark[id] |= 4;
    for (let i = 0; i < n && a < total; i++) {
      const m = mark[i];
      if (m === 0) continue;
      all[a++] = i;
      if (m & 4) substr[b++] = i;
      mark[i] = 0;
    }
    this.prev = { q, filter: filterKey, substr, all, fuzzy };
    return { ids, words };
  }

  private scratchMarks: Uint8Array | null = null;
  private scratch(): Uint8Array {
    return (this.scratchMarks ??= new Uint8Array(this.size));
  }

  private substringIds(w: string, ok: (id: number) => boolean): number[] {
    const out: number[] = [];
    const hay = this.hay;
    const starts = this.hayStart;
    let pos = hay.indexOf(w);
    let e = 0;
    while (pos !== -1) {
      while (starts[e + 1] <= pos) e++;
      if (ok(e)) out.push(e);
      pos = hay.indexOf(w, starts[e + 1]);
    }
    return out;
  }

  /** Stable counting sort of each tier by name length (ties keep index order). */
  private sortByLength(tiers: number[][]): Int32Array[] {
    return tiers.map((ids) => {
      if (ids.length < 2) return Int32Array.from(ids);
      if (ids.length < 256) {
        return Int32Array.from(ids).sort((a, b) => this.lowerRest[a].length - this.lowerRest[b].length || a - b);
      }
      const names = this.lowerRest;
      let max = 0;
      for (const id of ids) if (names[id].length > max) max = names[id].length;
      const counts = new Int32Array(max + 2);
      for (const id of ids) counts[names[id].length + 1]++;
      for (let l = 1; l < counts.length; l++) counts[l] += counts[l - 1];
      const out = new Int32Array(ids.length);
      for (const id of ids) out[counts[names[id].length]++] = id;
      return out;
    });
  }

  /** Highlight positions (in the full name) for the query words. */
  private highlight(id: number, words: string[]): number[] {
    const s = this.lowerRest[id];
    const base = this.restStart[id];
    const ls = this.lastStart[id];
    const out = new Set<number>();
    for (const w of words) {
      let at = s.indexOf(w, ls);
      if (at === -1) at = s.indexOf(w);
      if (at !== -1) {
        for (let k = 0; k < w.length; k++) out.add(base + at + k);
        continue;
      }
      const sub: number[] = [];
      if (fuzzySpan(w, s.slice(ls), sub) !== -1) for (const k of sub) out.add(base + ls + k);
      else if (fuzzySpan(w, s, sub) !== -1) for (const k of sub) out.add(base + k);
    }
    return [...out].sort((a, b) => a - b);
  }

  // ---- suggestions ----

  private suggest(term: string, allowed: Uint8Array | null, group: number, tryFuzzy: boolean): string[] {
    const t = term.toLowerCase().slice(0, 64);
    if (t.length < 2) return [];
    const ok = (id: number): boolean => (!allowed || allowed[this.typeIdx[id]] === 1) && (group < 0 || this.groupId[id] === group);
    const out: string[] = [];
    if (tryFuzzy) {
      const saved = this.prev;
      const r = this.fuzzyIds(t, allowed, group);
      this.prev = saved;
      for (let k = 0; k < r.ids.length && out.length < 8; k++) out.push(this.names[r.ids[k]]);
      if (out.length) return out;
    }
    const lc = this.lastCompIndex();
    const max = t.length <= 4 ? 1 : t.length <= 8 ? 2 : 3;
    const found: Array<[number, number, number]> = [];
    for (let len = t.length - max; len <= t.length + max; len++) {
      for (const k of lc.byLen.get(len) ?? []) {
        const d = boundedLevenshtein(t, lc.keys[k], max);
        if (d <= max) found.push([d, lc.keys[k].length, k]);
      }
    }
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    for (const [, , k] of found) {
      // The first probe with that last component that passes the filters.
      const id = lc.first[k];
      if (ok(id)) out.push(this.names[id]);
      else {
        const key = lc.keys[k];
        for (let i = 0; i < this.size; i++) {
          if (ok(i) && this.lowerRest[i].endsWith(key) && this.lowerRest[i].length - this.lastStart[i] === key.length) {
            out.push(this.names[i]);
            break;
          }
        }
      }
      if (out.length >= 8) break;
    }
    return out;
  }

  private lastCompIndex(): { keys: string[]; first: Int32Array; byLen: Map<number, number[]> } {
    if (this.lastComps) return this.lastComps;
    const map = new Map<string, number>();
    for (let i = 0; i < this.size; i++) {
      const key = this.lowerRest[i].slice(this.lastStart[i]);
      if (!map.has(key)) map.set(key, i);
    }
    const keys = [...map.keys()];
    const first = Int32Array.from(map.values());
    const byLen = new Map<number, number[]>();
    keys.forEach((k, i) => {
      const l = byLen.get(k.length);
      if (l) l.push(i);
      else byLen.set(k.length, [i]);
    });
    return (this.lastComps = { keys, first, byLen });
  }
}

/** At most this many skipped characters inside a fuzzy match (keeps typo junk out; see fuzzySpan). */
export const FUZZY_MAX_GAP = 8;
/** Subsequence matches are looked for only while the substring matches are fewer than this. */
export const FUZZY_FILL = 2000;

/**
 * The shortest span of s holding q as a subsequence starting at a word start (position 0 or
 * after a non-alphanumeric character), or -1 when none is at most
 * q.length + FUZZY_MAX_GAP long. A prefix of q never needs a longer span than q, so the
 * matches of a query contain the matches of its extensions (the per-keystroke cache relies on it).
 */
export function fuzzySpan(q: string, s: string, out?: number[]): number {
  const m = q.length;
  const limit = m + FUZZY_MAX_GAP;
  let best = -1;
  let bestStart = -1;
  for (let st = s.indexOf(q[0]); st !== -1; st = s.indexOf(q[0], st + 1)) {
    if (st > 0 && isWordChar(s.charCodeAt(st - 1))) continue;
    let j = 1;
    let i = st + 1;
    const stop = Math.min(s.length, st + limit);
    for (; i < stop && j < m; i++) if (s.charCodeAt(i) === q.charCodeAt(j)) j++;
    if (j === m) {
      const span = i - st;
      if (best === -1 || span < best) {
        best = span;
        bestStart = st;
        if (span === m) break;
      }
    }
    if (s.length - st < m) break;
  }
  if (out && best !== -1) {
    out.length = 0;
    let j = 0;
    for (let i = bestStart; j < m; i++) {
      if (s.charCodeAt(i) === q.charCodeAt(j)) {
        out.push(i);
        j++;
      }
    }
  }
  return best;
}

export function isSubsequence(q: string, s: string): boolean {
  return fuzzySpan(q, s) !== -1;
}
