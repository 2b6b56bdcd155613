// Frame tidying for `perf script` stacks, exactly as FlameGraph's stackcollapse-perf.pl does
// it by default (and inferno's collapse-perf after it), so an import draws the frames people
// see in their flame graphs: "+0x.." offsets stripped, "(comm)" pseudo-frames skipped, Java
// inline chains "A->B->C" split into frames (the inlined ones marked "_[i]"), an unknown
// symbol named by its object, C++/Java arguments cut at the first "(" (not Go's "pkg.(*T).M",
// not "(anonymous namespace)"), quotes dropped, ";" made ":", and Java's "L" class prefix
// removed for java processes. Pure.

/** One frame as perf prints it: the symbol text (offset on) and its object ("" when none). */
export interface RawPerfFrame {
  sym: string;
  dso: string;
}

/**
 * The tidied frames of one perf frame, ROOT first (an inline chain gives several; a skipped
 * pseudo-frame none). `comm` decides the Java rule, as in stackcollapse-perf.pl.
 */
export function tidyPerfFrame(f: RawPerfFrame, comm: string): string[] {
  const raw = f.sym.replace(/\+0x[\da-f]+$/, '');
  if (raw.startsWith('(')) return [];
  const out: string[] = [];
  for (let func of raw.split('->')) {
    if (func === '[unknown]' || func === '') {
      func = f.dso && f.dso !== '[unknown]' ? `[${f.dso.replace(/.*\//, '')}]` : '[unknown]';
    }
    func = func.replace(/;/g, ':');
    // Not a Go method ("net/http.(*Client).Do"): what follows the first "(" is arguments.
    if (!/\.\(.*\)\./.test(func)) func = func.replace(/\((?!anonymous namespace\)).*/, '');
    func = func.replace(/["']/g, '');
    if (comm.startsWith('java') && func.includes('/')) func = func.replace(/^L/, '');
    if (out.length > 0 && !func.includes('_[i]')) func += '_[i]';
    out.push(func);
  }
  return out;
}

/** A frame kept as perf printed it (the tidying off): "[object]" for an unknown symbol. */
export function rawPerfFrame(f: RawPerfFrame): string {
  if (f.sym === '' || f.sym === '[unknown]') return f.dso && f.dso !== '[unknown]' ? `[${f.dso.replace(/.*\//, '')}]` : '[unknown]';
  return f.sym;
}
