import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordingHeader, TraceEvent } from '../../common/contract/index.js';
import { PrintfIndex, readLog, ReadLogError } from './read-log.js';
import { RecordingWriter } from './writer.js';

const header: RecordingHeader = { type: 'header', format: 1, script: 'BEGIN {}', options: {}, bpftraceVersion: '0.17.0', kernelRelease: '6.18', startedAt: new Date(0).toISOString() };

function record(batches: TraceEvent[][], close = true): { file: string; index: PrintfIndex; w: RecordingWriter } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-log-')), 'r.ndjson');
  const w = new RecordingWriter(file, header);
  const index = new PrintfIndex();
  for (const b of batches) w.append(b, (e, offset, length) => e.type === 'printf' && index.add(offset, length));
  if (close) w.close();
  return { file, index, w };
}

describe('readLog', () => {
  it('reads pages of printf lines back from a recording, skipping other events', () => {
    const batches: TraceEvent[][] = [];
    for (let b = 0; b < 30; b++) {
      const batch: TraceEvent[] = [];
      for (let i = 0; i < 100; i++) batch.push({ type: 'printf', t: b * 100 + i, text: `line ${b * 100 + i} ünïcødé, "quoted"\n` });
      batch.push({ type: 'map', t: b, name: '@', entries: [{ key: 'x', value: b }], snapshot: true });
      batches.push(batch);
    }
    const { file, index } = record(batches);
    expect(index.length).toBe(3000); // grew past its first 1024
    const r = readLog(file, index, 1020, 10);
    expect(r.total).toBe(3000);
    expect(r.lines.map((l) => l.index)).toEqual([1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027, 1028, 1029]);
    expect(r.lines[0]).toEqual({ index: 1020, t: 1020, text: 'line 1020 ünïcødé, "quoted"\n' });
    expect(readLog(file, index, 2995, 100).lines.map((l) => l.index)).toEqual([2995, 2996, 2997, 2998, 2999]);
    expect(readLog(file, index, 5000, 10).lines).toEqual([]);
  });

  it('reads while the recording is still being written', () => {
    const { file, index, w } = record([[{ type: 'printf', t: 1, text: 'a\n' }]], false);
    expect(readLog(file, index, 0, 5).lines.map((l) => l.text)).toEqual(['a\n']);
    w.append([{ type: 'printf', t: 2, text: 'b\n' }], (e, o, l) => index.add(o, l));
    expect(readLog(file, index, 0, 5).lines.map((l) => l.text)).toEqual(['a\n', 'b\n']);
    w.close();
  });

  it('says clearly when the run has no recording', () => {
    expect(() => readLog(null, new PrintfIndex(), 0, 10)).toThrow(ReadLogError);
    expect(() => readLog(null, new PrintfIndex(), 0, 10)).toThrow(/no recording/);
  });

  it('returns what is there when the file is shorter than the index says', () => {
    const { file, index } = record([[{ type: 'printf', t: 1, text: 'a\n' }, { type: 'printf', t: 2, text: 'b\n' }]]);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 5);
    expect(readLog(file, index, 0, 2).lines.map((l) => l.text)).toEqual(['a\n']);
  });
});

describe('PrintfIndex', () => {
  it('holds blocks, not lines: 100,000 lines cost a few KB, and every page reads back exactly across blocks and big map prints', () => {
    const batches: TraceEvent[][] = [];
    const bigMap: TraceEvent = { type: 'map', t: 0, name: '@big', entries: Array.from({ length: 4000 }, (_, k) => ({ key: `key-${k}-${'k'.repeat(20)}`, value: k })), snapshot: true };
    for (let b = 0; b < 100; b++) {
      const batch: TraceEvent[] = [];
      for (let i = 0; i < 1000; i++) batch.push({ type: 'printf', t: b * 1000 + i, text: `line ${b * 1000 + i}\n` });
      if (b % 10 === 3) batch.splice(500, 0, bigMap); // a big line in the middle of a block
      batches.push(batch);
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-log-')), 'r.ndjson');
    const w = new RecordingWriter(file, header);
    const index = new PrintfIndex();
    for (const b of batches) w.append(b, (e, offset, length) => (e.type === 'printf' ? index.add(offset, length) : index.other(length)));
    w.close();
    expect(index.length).toBe(100_000);
    expect(index.bytes).toBeLessThan(16 * 1024); // ~0.12 byte a line with its spare capacity (12 bytes a line before)
    for (const start of [0, 255, 256, 3499, 3500, 3501, 50_000, 99_990]) {
      const r = readLog(file, index, start, 300);
      const want = Math.min(300, 100_000 - start);
      expect(r.lines.length).toBe(want);
      r.lines.forEach((l, k) => expect(l).toEqual({ index: start + k, t: start + k, text: `line ${start + k}\n` }));
    }
  });
});
