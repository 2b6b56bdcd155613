// Our csv and json exports handed to Python's standard readers (csv, json; python3 is a
// setup.sh package): Python reads the same rows and cells, stack keys with their line
// breaks and all, and the same JSON values (exact integers beyond 2^53 included).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../recordings/writer.js';
import { exportRecording } from './index.js';
import { REC_A, REC_B, tmpDir } from '../../test/support/exports.js';
import { importText, writeRecordingTo } from '../imports/index.js';

const py = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const skip = py.status === 0 ? null : 'python3 is not installed (scripts/setup.sh installs it)';
if (skip) console.log(`python interop skipped: ${skip}`);

const dir = tmpDir('kscope-py-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function python(code: string, file: string): unknown {
  const r = spawnSync('python3', ['-c', code, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** RFC 4180 as the spec reads it (quotes doubled, CRLF rows), written here independently of Python. */
function rfc4180(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  const endField = () => {
    row.push(f);
    f = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else f += c;
  }
  return rows;
}

describe.skipIf(skip !== null)('Python reads our csv and json', () => {
  it.each([REC_A, REC_B])('csv: csv.reader gives the rows the RFC gives (%s)', async (rec) => {
    const out = path.join(dir, path.basename(rec) + '.csv');
    await exportRecording(rec, 'csv', out);
    const rows = python("import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))))", out) as string[][];
    expect(rows.length).toBeGreaterThan(10);
    expect(rows).toEqual(rfc4180(fs.readFileSync(out, 'utf8')));
    expect(rows.some((r) => r[2].startsWith('\n'))).toBe(true); // multi-line stack keys survive
  });

  it('json: json.load gives the recording\'s map, big integers exact', async () => {
    const big = 2n ** 60n + 3n;
    const r = importText(`main;huge ${big}\nmain;small 2\n`, 'folded');
    const rec = writeRecordingTo(path.join(dir, 'big.ndjson'), r.header, r.events);
    const out = path.join(dir, 'big.json');
    await exportRecording(rec, 'json', out, { map: '@stacks' });
    // Python's ints are exact: print each value as text.
    const got = python("import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps([[e['key'], str(e['value'])] for e in d['entries']]))", out) as [string, string][];
    const want = parseRecording(fs.readFileSync(rec, 'utf8')).events.find((e) => e.type === 'map') as { entries: { key: string; value: number | string }[] };
    expect(got).toEqual(want.entries.map((e) => [e.key, String(e.value)]));
    expect(got.map((g) => g[1])).toContain(String(big));
  });
});
