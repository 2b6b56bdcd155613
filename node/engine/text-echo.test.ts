import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AggregateEvent } from '../../common/contract/index.js';
import { StdoutDecoder } from './decode-stdout.js';
import { printText, valueText } from './text-echo.js';

const FIX = path.resolve(__dirname, '../../test/fixtures');
function aggregates(rel: string): AggregateEvent[] {
  const d = new StdoutDecoder();
  return [...d.push(fs.readFileSync(path.join(FIX, rel), 'utf8'), 0), ...d.end(0)].filter(
    (e): e is AggregateEvent => e.type === 'map' || e.type === 'hist' || e.type === 'stats',
  );
}

describe("echo of the script's prints as bpftrace's text", () => {
  // bpftrace 0.17 ran the same scripts twice: -f json (the engine's fixtures) and in a
  // terminal (test/fixtures/imports/json-twin-*.txt). Echoing the decoded JSON gives the terminal's text.
  it.each(['maps', 'hist', 'stats'])('%s: the same text as bpftrace printed in a terminal', (name) => {
    const twin = fs.readFileSync(path.join(FIX, 'imports', `json-twin-${name}.txt`), 'utf8').replace(/^Attaching \d+ probes?\.\.\.\n\n\n/, '');
    expect(aggregates(`bpftrace-0.17/${name}.stdout.ndjson`).map(printText).join('')).toBe(twin);
  });

  it('exact big integers and print(@m)', () => {
    const maps = aggregates('bpftrace-0.17/int-limits.stdout.ndjson');
    const byName = (n: string) => printText(maps.find((m) => m.name === n)!);
    expect(byName('@max')).toBe('@max: 9223372036854775807\n');
    expect(byName('@sk')).toBe('@sk[a]: count 1, average -3, total -3\n\n');
    expect(printText(aggregates('bpftrace-0.17/print.stdout.ndjson')[0])).toBe('@a[1]: 2\n@a[3]: 4\n');
  });

  it('values: numbers, strings, tuples', () => {
    expect(valueText([1, 't'])).toBe('(1, t)');
    expect(valueText('9223372036854775807')).toBe('9223372036854775807');
    expect(valueText('über')).toBe('über');
  });
});
