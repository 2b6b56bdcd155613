// The streamed line of a folded import's map is the bytes JSON.stringify gives for the same
// map with its entries built (any frame text: quotes, backslashes, control characters,
// non-ASCII, lone surrogates, empty frames; counts beyond 2^53 and fractions).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MapEvent } from '../../common/contract/index.js';
import { foldedSourceOf, parseFolded } from '../../common/import/folded.js';
import { writeFoldedMapLine } from './folded-map-line.js';

function streamed(text: string): { line: string; map: MapEvent } {
  const map = parseFolded(text).events[0] as MapEvent;
  const src = foldedSourceOf(map);
  expect(src).not.toBeNull();
  const parts: Buffer[] = [];
  // Small chunks too: the writer's buffer hand-off must keep the order.
  writeFoldedMapLine(map, src!, (b) => parts.push(Buffer.from(b))); // a copy: the writer reuses its buffer
  return { line: Buffer.concat(parts).toString('utf8'), map };
}

describe('writeFoldedMapLine', () => {
  it('writes what JSON.stringify writes for the built map (real-looking and hostile frames)', () => {
    const text = [
      'bash;main;read_input;__libc_read 12',
      'node;"quoted";back\\slash;tab\there 3',
      'x;;empty middle;\u00e9t\u00e9;\u{1F525} 18446744073709551617',
      'y;\ud800lone;ctrl\u0001\u001f 0.5',
      'bash;main;read_input;__libc_read 30',
    ].join('\n');
    const { line, map } = streamed(text);
    expect(foldedSourceOf(map)).not.toBeNull(); // writing does not build the entries
    expect(line).toBe(JSON.stringify(map) + '\n'); // reading `entries` builds them
    expect(foldedSourceOf(map)).toBeNull();
    expect(map.entries).toHaveLength(4);
    expect(map.entries[0]).toEqual({ key: '\n    __libc_read\n    read_input\n    main\n    bash\n', value: 42 });
    expect(map.entries[2].value).toBe('18446744073709551617');
  });

  it('any stacks', () => {
    const frame = fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/[;\n\r\s]/g, 'x'));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(frame, { minLength: 1, maxLength: 6 }), fc.nat()), { minLength: 1, maxLength: 60 }), (stacks) => {
        const lines = stacks.filter(([f]) => f[f.length - 1] !== '').map(([f, c]) => `${f.join(';')} ${c}`);
        fc.pre(lines.length > 0);
        const { line, map } = streamed(lines.join('\n'));
        expect(line).toBe(JSON.stringify(map) + '\n');
      }),
      { numRuns: 60 },
    );
  });

  it('a line far beyond its 1 MiB buffer', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${'f'.repeat(300)}${i};g;h ${i + 1}`).join('\n') + `\n${'z'.repeat(3 << 20)};w 5\n`;
    const { line, map } = streamed(text);
    expect(line).toBe(JSON.stringify(map) + '\n');
  });
});
