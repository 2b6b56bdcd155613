// What a bpftrace script's aggregations look like, read with a regex (the fake backend's
// runs need only the map names, their function and the kind of key, not a parser).

export type AggFn = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'stats' | 'hist' | 'lhist';
export type KeyKind = 'none' | 'stack' | 'name';

export interface ScriptMap {
  name: string;
  fn: AggFn;
  key: KeyKind;
}

const MAP_RE = /(@\w*)\s*(?:\[([^\]]*)\])?\s*=\s*(count|sum|min|max|avg|stats|hist|lhist)\s*\(/g;

/** The script's aggregation maps, first assignment wins, in order of appearance. */
export function scriptMaps(source: string): ScriptMap[] {
  const out = new Map<string, ScriptMap>();
  for (const m of source.matchAll(MAP_RE)) {
    if (out.has(m[1])) continue;
    const key: KeyKind = m[2] === undefined ? 'none' : /\b[ku]stack\b/.test(m[2]) ? 'stack' : 'name';
    out.set(m[1], { name: m[1], fn: m[3] as AggFn, key });
  }
  return [...out.values()];
}

/** The probes a script attaches (one per probe line; BEGIN and END included). */
export function probeCount(source: string): number {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return Math.max(1, (code.match(/^\s*(?:[a-z_]+:[^\s{/]*|BEGIN|END)\s*(?:\/|\{|$)/gm) ?? []).length);
}
