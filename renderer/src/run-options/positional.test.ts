import { describe, expect, it } from 'vitest';
import { argsFor, codeOnly, positionalUse } from './positional.js';

describe('positionalUse', () => {
  it('finds $1..$N in code, not in comments or strings', () => {
    const src = `// usage: script.bt $9\n/* $8 */\nkprobe:f /pid == $1/ { printf("$7 %d\\n", $3); @[str($2)] = count(); }`;
    expect(positionalUse(src)).toEqual({ highest: 3, used: [1, 2, 3], count: false });
  });
  it('knows $# and ignores scratch variables', () => {
    expect(positionalUse('BEGIN { $x1 = 1; $abc = $#; printf("%d", $2); }')).toEqual({ highest: 2, used: [2], count: true });
    expect(positionalUse('BEGIN { exit(); }')).toEqual({ highest: 0, used: [], count: false });
  });
  it('keeps offsets when blanking', () => {
    const src = 'a "b\\"c" /* d\ne */ f // g';
    expect(codeOnly(src)).toHaveLength(src.length);
    expect(codeOnly(src).split('\n')).toHaveLength(2);
  });
});

describe('argsFor', () => {
  it('sends $1..$highest and names the used ones left empty', () => {
    const use = positionalUse('BEGIN { printf("%s %s", str($1), str($3)); }');
    expect(argsFor(use, ['a', '', ''])).toEqual({ args: ['a', '', ''], missing: [3] });
    expect(argsFor(use, ['a', 'x', 'c', 'extra'])).toEqual({ args: ['a', 'x', 'c'], missing: [] });
  });
});
