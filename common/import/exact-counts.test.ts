// Counts that stay exact from a folded file to the recording and back out, or are refused
// with a reason; UTF-16 folded files (with their BOM) read like UTF-8 ones.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from '../../node/recordings/writer.js';
import { exportRecording } from '../../node/exports/index.js';
import { collector, tmpDir } from '../../test/support/exports.js';
import { addCounts, countText, parseExactCount } from './exact-counts.js';
import { parseFolded } from './folded.js';
import { importFile, importText, writeRecordingTo } from '../../node/imports/index.js';
import { mapEvents } from '../../test/support/imports.js';
import { decodeImportText, ImportTextDecoder } from '../../node/imports/text-decoder.js';

const dir = tmpDir('kscope-exact-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const BIG = 2n ** 53n + 1n; // 9007199254740993: the first integer a double cannot hold

async function foldedExport(rec: string): Promise<string> {
  const c = collector();
  await exportRecording(rec, 'folded', c.stream);
  return c.text();
}

describe('exact counts', () => {
  it('parses integers of any size exactly, decimals as numbers, refuses what is not a count', () => {
    expect(parseExactCount('12')).toBe(12);
    expect(parseExactCount(String(BIG))).toBe(BIG);
    expect(parseExactCount('9007199254740991')).toBe(9007199254740991);
    expect(parseExactCount('1' + '0'.repeat(40))).toBe(10n ** 40n);
    expect(parseExactCount('334.618')).toBe(334.618);
    expect(parseExactCount('1e400')).toBeNull();
    expect(parseExactCount('0x1f')).toBeNull();
    expect(addCounts(Number.MAX_SAFE_INTEGER, 2)).toBe(BigInt(Number.MAX_SAFE_INTEGER) + 2n);
    expect(addCounts(BIG, 0.5)).toBeNull();
    // Doubles this big are integers: their sum is exact as a bigint, never Infinity.
    expect(addCounts(1.5e308, 1.5e308)).toBe(2n * BigInt(1.5e308));
    expect(countText(1e21)).toBe('1000000000000000000000');
  });

  it('a folded import keeps counts beyond 2^53 as decimal strings in the recording, and the folded export writes them back exactly', async () => {
    const text = `main;huge ${BIG}\nmain;huge ${BIG}\nmain;safe 9007199254740991\nmain;safe 1\nmain;tiny 3\n`;
    const r = importText(text, 'folded');
    expect(r.problems).toEqual([]);
    const rec = writeRecordingTo(path.join(dir, 'big.ndjson'), r.header, r.events);
    const map = mapEvents(parseRecording(fs.readFileSync(rec, 'utf8')).events)[0];
    const values = new Map(map.entries.map((e) => [e.key!.trim().split('\n')[0], e.value]));
    expect(values.get('huge')).toBe(String(2n * BIG));
    expect(values.get('safe')).toBe('9007199254740992'); // a sum that leaves the safe range
    expect(values.get('tiny')).toBe(3);
    expect((await foldedExport(rec)).split('\n').filter(Boolean).sort()).toEqual([`main;huge ${2n * BIG}`, 'main;safe 9007199254740992', 'main;tiny 3']);
  });

  it('a sum beyond a float\'s range stays exact (digits in the recording), never Infinity or null', () => {
    const r = parseFolded('a;b 1.5e308\na;b 1.5e308\na;c 2\n');
    expect(r.problems).toEqual([]);
    const entries = mapEvents(r.events)[0].entries;
    expect(entries.map((e) => e.value)).toEqual([String(2n * BigInt(1.5e308)), 2]);
    expect(JSON.stringify(r.events)).not.toContain('null');
  });

  it('a fraction added to a count beyond 2^53 is refused (it cannot be exact)', () => {
    const r = parseFolded(`a;b ${BIG}\na;b 0.5\n`);
    expect(r.problems[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/fractional count/) });
    expect(mapEvents(r.events)[0].entries[0].value).toBe(String(BIG));
  });
});

describe('UTF-16 folded files', () => {
  const text = 'main;lecture_données 5\nmain;読む 3\r\nmain;😀 2\n';
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const utf16be = Buffer.from(utf16le);
  utf16be.swap16(); // FE FF + big-endian code units

  it.each([
    ['UTF-16 LE', utf16le],
    ['UTF-16 BE', utf16be],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
  ])('%s: decoded whole and in 1-byte chunks, imported as the UTF-8 text is', (name, bytes) => {
    expect(decodeImportText(bytes)).toBe(text);
    const d = new ImportTextDecoder();
    let s = '';
    for (const b of bytes) s += d.write(Buffer.from([b]));
    expect(s + d.end()).toBe(text);
    const file = path.join(dir, name.replace(/\W/g, '') + '.folded');
    fs.writeFileSync(file, bytes);
    const r = importFile(file);
    expect(r.format).toBe('folded');
    expect(r.events).toEqual(importText(text).events);
  });
});
