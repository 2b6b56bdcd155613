// One engine over the real backend for a runtime test file: made before its tests; after
// them every run is killed and its recordings removed. runtimeSkipReason says why such a
// file cannot run on this machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createBackend } from '../../node/backend.js';
import type { Engine } from '../../node/engine/sessions.js';

export function runtimeSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (bpftrace attaches probes)';
  if (!fs.existsSync('/usr/bin/bpftrace')) return 'bpftrace is not installed';
  return null;
}

/** Call inside a describe: the engine for its tests (recordings in a temporary folder named `prefix…`). */
export function engineForSuite(prefix: string): { readonly engine: Engine } {
  let tmp = '';
  let engine: Engine | undefined;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    engine = createBackend({ recordingsDir: path.join(tmp, 'recordings') }).engine;
  });
  afterAll(async () => {
    if (engine) {
      engine.killAll();
      await engine.stopAll();
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  return {
    get engine() {
      return engine!;
    },
  };
}
