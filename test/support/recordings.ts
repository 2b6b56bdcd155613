// Hand-made recordings for the library's tests: a header, events, optionally a torn tail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { methods, RECORDING_FORMAT, type MethodName, type RecordingHeader, type TraceEvent } from '../../common/contract/index.js';
import { createBackend, type Backend } from '../../node/backend.js';

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

/**
 * Backends over the same folders, as the app makes one per start (a restart is a second
 * one): each made by `make()`, all shut down after the suite.
 */
export function backendsOver(dir: string, settings: string): { make: () => Backend; all: Backend[] } {
  const all: Backend[] = [];
  afterAll(async () => {
    for (const b of all) await b.shutdown();
  });
  return {
    all,
    make: () => {
      const b = createBackend({ recordingsDir: dir, cacheDir: null, settingsPath: settings });
      all.push(b);
      return b;
    },
  };
}

/** A contract method on a backend, with its params and result validated as a transport does. */
export async function callMethod<M extends MethodName>(b: Backend, m: M, params: unknown): Promise<unknown> {
  const impl = b.impl[m] as (p: unknown) => unknown;
  return methods[m].result.parse(await impl(methods[m].params.parse(params)));
}
