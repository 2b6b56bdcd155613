import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordingHeader } from '../../common/contract/index.js';
import { parseRecording, RecordingFormatError, RecordingWriter, recordingFileName } from './writer.js';

const header: RecordingHeader = { type: 'header', format: 1, script: 'BEGIN {}', options: {}, bpftraceVersion: '0.17.0', kernelRelease: '6.18', startedAt: new Date(0).toISOString() };

function tmp(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-rec-')), 'sub', 'r.ndjson');
}

describe('recordings', () => {
  it('writes a header then one event a line, and reads them back', () => {
    const p = tmp();
    const w = new RecordingWriter(p, header);
    w.append([{ type: 'printf', t: 1, text: 'hi\n' }, { type: 'map', t: 2, name: '@', entries: [{ key: 'bash', value: 3 }], snapshot: true }]);
    w.append([{ type: 'exit', t: 3, code: 0, signal: null }]);
    w.close();
    const text = fs.readFileSync(p, 'utf8');
    expect(text.split('\n')[0]).toContain('"type":"header"');
    const r = parseRecording(text);
    expect(r.torn).toBe(false);
    expect(r.events.map((e) => e.type)).toEqual(['printf', 'map', 'exit']);
    expect((fs.statSync(p).mode & 0o777).toString(8)).toBe('600');
  });

  it('tolerates a torn last line (the app was killed mid-write)', () => {
    const lines = [JSON.stringify(header), JSON.stringify({ type: 'printf', t: 1, text: 'a\n' }), '{"type":"printf","t":2,"te'];
    const r = parseRecording(lines.join('\n'));
    expect(r.torn).toBe(true);
    expect(r.events).toHaveLength(1);
  });

  it('reports complete lines it does not understand, with their numbers', () => {
    const r = parseRecording([JSON.stringify(header), '{"type":"nope","t":1}', 'garbage', ''].join('\n'));
    expect(r.invalid).toEqual([
      { line: 2, reason: 'not a known event' },
      { line: 3, reason: 'not JSON' },
    ]);
  });

  it('refuses a recording from a future format with a clear message', () => {
    expect(() => parseRecording(JSON.stringify({ ...header, format: 99 }) + '\n')).toThrow(/format 99 is newer/);
    expect(() => parseRecording('')).toThrow(RecordingFormatError);
    expect(() => parseRecording('{"type":"printf"}\n')).toThrow(/not a kscope recording/);
  });

  it('names files by start time and id, safe for every filesystem', () => {
    expect(recordingFileName(new Date(0), 'abc')).toBe('1970-01-01T00-00-00-000Z-abc.ndjson');
  });
});
