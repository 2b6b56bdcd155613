// Which positional parameters ($1 … $N) a bpftrace script uses, so the run options can ask
// for exactly those. Pure. Comments and string literals are skipped ("$1" in a printf
// format is text, not a parameter); `$#` (the count) asks for no value of its own.

export interface PositionalUse {
  /** The highest $N the script reads (0: none). bpftrace numbers from 1, and $N implies $1..$N-1 exist. */
  highest: number;
  /** Every N read, ascending. */
  used: number[];
  /** The script reads $# (how many were given). */
  count: boolean;
}

/** The source with comments and string literals blanked (same length: offsets stay valid). */
export function codeOnly(source: string): string {
  let out = '';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    const d = source[i + 1];
    if (c === '/' && d === '/') {
      const e = source.indexOf('\n', i);
      const end = e < 0 ? n : e;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '/' && d === '*') {
      const e = source.indexOf('*/', i + 2);
      const end = e < 0 ? n : e + 2;
      out += source.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && source[j] !== '"' && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      const end = Math.min(n, j + 1);
      out += ' '.repeat(end - i);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function positionalUse(source: string): PositionalUse {
  const code = codeOnly(source);
  const used = new Set<number>();
  let count = false;
  // $1..$N, not a scratch variable such as $10abc or $x1 (a name starts with a letter or _).
  for (const m of code.matchAll(/\$(\d+|#)(?![A-Za-z_])/g)) {
    if (m[1] === '#') count = true;
    else {
      const k = Number(m[1]);
      if (k >= 1 && k <= 64) used.add(k);
    }
  }
  const list = [...used].sort((a, b) => a - b);
  return { highest: list.length ? list[list.length - 1] : 0, used: list, count };
}

/**
 * The args to send: $1..$highest from the form (a parameter the script skips is sent as ""),
 * trailing empties dropped only beyond `highest`. Null entries when a used one is empty.
 */
export function argsFor(use: PositionalUse, values: readonly string[]): { args: string[]; missing: number[] } {
  const args: string[] = [];
  const missing: number[] = [];
  for (let k = 1; k <= use.highest; k++) {
    const v = values[k - 1] ?? '';
    args.push(v);
    if (v === '' && use.used.includes(k)) missing.push(k);
  }
  return { args, missing };
}
