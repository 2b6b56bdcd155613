// What a map's values measure, read from the script that fills it, so every chart can name
// its units: `count()` counts events; `hist(nsecs - @start[tid])` is nanoseconds (µs, ms or
// s when the expression divides by 1000, 1e6 or 1e9); `hist(args->ret)` on a map named
// `@bytes` is bytes. Pure and conservative: when the script does not say, the unit is null
// and the chart says "value" rather than guessing.

export type ValueUnit = 'events' | 'ns' | 'us' | 'ms' | 's' | 'bytes';

/** How a unit is written on an axis ("µs", not "us"). */
export function unitLabel(unit: ValueUnit): string {
  return unit === 'us' ? 'µs' : unit;
}

const AGG = /(@[A-Za-z_][A-Za-z0-9_]*)?\s*(?:\[[^\]]*\])?\s*=\s*(count|hist|lhist|sum|avg|min|max|stats)\s*\(/g;
const TIME_DIVISORS: [RegExp, ValueUnit][] = [
  [/\/\s*(?:1000000000|1e9|1000\s*\/\s*1000\s*\/\s*1000)\b/, 's'],
  [/\/\s*(?:1000000|1e6|1000\s*\/\s*1000)\b/, 'ms'],
  [/\/\s*(?:1000|1e3)\b/, 'us'],
];

/** The argument text of the call whose '(' is at `open` (balanced parentheses, strings skipped). */
function callArgs(src: string, open: number): string {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return src.slice(open + 1, i);
  }
  return src.slice(open + 1);
}

/** The first argument (lhist's value, not its bounds). */
function firstArg(args: string): string {
  let depth = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) return args.slice(0, i);
  }
  return args;
}

/** `$x = EXPR;` assignments, so `hist($delta / 1000)` sees what `$delta` holds (one level). */
function scratchValues(src: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of src.matchAll(/(\$[A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*([^;\n}]+)/g)) {
    out.set(m[1]!, `${out.get(m[1]!) ?? ''} ${m[2]!}`);
  }
  return out;
}

function unitFromName(name: string): ValueUnit | null {
  const n = name.replace(/^@/, '').toLowerCase();
  if (/(^|_)(bytes?|size|len|sz)($|_)/.test(n)) return 'bytes';
  if (/(^|_)(ns|nsecs?)($|_)/.test(n)) return 'ns';
  if (/(^|_)(us|usecs?)($|_)/.test(n)) return 'us';
  if (/(^|_)(ms|msecs?)($|_)/.test(n)) return 'ms';
  return null;
}

function unitFromExpr(expr: string, scratch: Map<string, string>): ValueUnit | null {
  const expanded = expr.replace(/\$[A-Za-z_][A-Za-z0-9_]*/g, (v) => `(${scratch.get(v) ?? v})`);
  if (/\b(nsecs|elapsed)\b/.test(expanded)) {
    for (const [re, unit] of TIME_DIVISORS) if (re.test(expanded)) return unit;
    return 'ns';
  }
  if (/\busecs\b/.test(expanded)) return 'us';
  if (/->\s*(?:count|len|size|bytes)\b|\.(?:count|len|size|bytes)\b/.test(expr)) return 'bytes';
  return null;
}

/**
 * Each aggregation map's unit, by map name (`@` for the anonymous map). A map filled in
 * two places that disagree gets null: the script does not say one thing.
 */
export function inferMapUnits(source: string): Map<string, ValueUnit | null> {
  const src = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
  const scratch = scratchValues(src);
  const out = new Map<string, ValueUnit | null>();
  for (const m of src.matchAll(AGG)) {
    const name = m[1] ?? '@';
    const fn = m[2]!;
    const open = m.index! + m[0].length - 1;
    let unit: ValueUnit | null;
    if (fn === 'count') unit = 'events';
    else unit = unitFromExpr(firstArg(callArgs(src, open)), scratch) ?? unitFromName(name);
    if (out.has(name) && out.get(name) !== unit) out.set(name, null);
    else out.set(name, unit);
  }
  return out;
}
