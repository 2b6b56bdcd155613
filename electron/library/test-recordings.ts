// Hand-made recordings for the library's tests: a header, events, optionally a torn tail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RECORDING_FORMAT, type RecordingHeader, type TraceEvent } from '../api/index.js';

export function header(over: Partial<RecordingHeader> = {}): RecordingHeader {
  return { type: 'header', format: RECORDING_FORMAT, script: 'BEGIN { printf("hi\\n"); }', options: {}, bpftraceVersion: '0.17.0', kernelRelease: '6.18', startedAt: '2026-01-01T00:00:00.000Z', ...over };
}

export function writeRec(dir: string, id: string, h: RecordingHeader | object, events: readonly (TraceEvent | object)[], tail = ''): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${id}.ndjson`);
  fs.writeFileSync(file, [h, ...events].map((e) => JSON.stringify(e) + '\n').join('') + tail);
  return file;
}

export function tmpDirs(): { root: string; dir: string; settings: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-lib-'));
  return { root, dir: path.join(root, 'recordings'), settings: path.join(root, 'settings.json') };
}
