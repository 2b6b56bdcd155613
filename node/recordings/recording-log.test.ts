// A recording's printf log read by page after the run (what a replay scrolls through):
// every line, in order, with its time, whatever lies between them (map prints, a line
// longer than the read buffer, a torn last line).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexRecordingLog, RecordingLogs } from './recording-log.js';

function writeRec(lines: unknown[], tail = ''): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-reclog-'));
  const file = path.join(dir, 'r.ndjson');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n' + tail);
  return file;
}

describe('recording log pages', () => {
  it('reads every printf line of a finished run by page, skipping other events', () => {
    const lines: unknown[] = [{ type: 'header', format: 1, script: 'printf("{\\"type\\":\\"printf\\"")', options: {}, bpftraceVersion: null, kernelRelease: '', startedAt: '2026-01-01T00:00:00.000Z' }];
    const want: string[] = [];
    for (let i = 0; i < 5000; i++) {
      lines.push({ type: 'printf', t: i, text: `line ${i} é\n` });
      want.push(`line ${i} é\n`);
      if (i % 997 === 0) lines.push({ type: 'map', t: i, name: '@', entries: [{ key: 'x'.repeat(i === 1994 ? 2_000_000 : 10), value: i }], snapshot: true });
    }
    const file = writeRec(lines, '{"type":"printf","t":9999,"text":"torn');
    expect(indexRecordingLog(file).length).toBe(5000);
    const logs = new RecordingLogs();
    const got: string[] = [];
    for (let s = 0; s < 5000; s += 1234) {
      const r = logs.read(file, s, 1234);
      expect(r.total).toBe(5000);
      expect(r.lines[0]!.index).toBe(s);
      got.push(...r.lines.map((l) => l.text));
    }
    expect(got).toEqual(want);
    expect(logs.read(file, 4999, 10).lines).toEqual([{ index: 4999, t: 4999, text: 'line 4999 é\n' }]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
