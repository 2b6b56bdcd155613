// Which of bpftrace's unsafe functions a script calls (they need --unsafe): what a consent
// dialog names. Comments and string literals are blanked first, so `// system("x")` or
// printf("signal(") does not count; a call is the name followed by "(".
export const UNSAFE_FUNCTIONS = ['system', 'signal', 'override'] as const;

/** The script with comments and string contents replaced by spaces (same length). */
function codeOnly(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      const end = nl < 0 ? src.length : nl;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      const end = close < 0 ? src.length : close + 2;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"' && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      const end = Math.min(src.length, j + 1);
      out += '"' + ' '.repeat(Math.max(0, end - i - 2)) + (end - i >= 2 ? '"' : '');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The unsafe functions `source` calls, in UNSAFE_FUNCTIONS order, each once. */
export function unsafeCalls(source: string): string[] {
  const code = codeOnly(source);
  return UNSAFE_FUNCTIONS.filter((f) => new RegExp(`(?<![A-Za-z0-9_$@])${f}\\s*\\(`).test(code));
}
