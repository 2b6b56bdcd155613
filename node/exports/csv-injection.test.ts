// CSV cells from traced data that a spreadsheet would evaluate (=, +, -, @, tab, CR first) are
// neutralized with a leading ' (OWASP); numbers stay numbers; everything else stays exact.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRecording } from './index.js';
import { neutralize } from './csv.js';
import { REC_A } from '../../test/support/exports.js';

describe('CSV injection', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+cmd|calc', `'+cmd|calc`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tx', `'\tx`],
    ['\rx', `'\rx`],
    ['-5', '-5'],
    ['-1.5e3', '-1.5e3'],
    ['bash', 'bash'],
    ['\n  f+1\n', '\n  f+1\n'],
  ])('%j → %j', (cell, want) => {
    expect(neutralize(cell)).toBe(want);
  });

  it('a whole export: hostile comm names and string values neutralized, map names and numbers untouched', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-csv-'));
    const file = path.join(dir, 'r.ndjson');
    const header = fs.readFileSync(REC_A, 'utf8').split('\n')[0];
    fs.writeFileSync(
      file,
      [header, JSON.stringify({ type: 'map', t: 1, name: '@comm', entries: [{ key: '=1+1', value: 3 }, { key: 'bash', value: -4 }, { key: '-7', value: 1 }], snapshot: false }), JSON.stringify({ type: 'map', t: 1, name: '@s', entries: [{ key: 'x', value: '@evil' }], snapshot: false })].join('\n') + '\n',
    );
    const out = path.join(dir, 'r.csv');
    await exportRecording(file, 'csv', out);
    const rows = fs.readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(rows.slice(1)).toEqual(["@comm,map,'=1+1,3,,,,,", '@comm,map,bash,-4,,,,,', '@comm,map,-7,1,,,,,', "@s,map,x,'@evil,,,,,"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
