// Runtime tier: a probe this kernel cannot attach (no kprobes here) is marked on the line
// that attaches it, not on a comment above that names it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../backend.js';
import { ofType, runToEnd } from '../../test/support/runtime.js';
import type { Engine } from './sessions.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping locate-probe runtime test: ${why}`);

describe.skipIf(why !== null)('attach errors placed on the attach point', () => {
  let tmp: string;
  let engine: Engine;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-locate-'));
    engine = createBackend({ recordingsDir: path.join(tmp, 'recordings') }).engine;
  });
  afterAll(async () => {
    if (engine) {
      engine.killAll();
      await engine.stopAll();
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a kprobe that cannot attach: the error points at its spec, not the comment naming it', async () => {
    const src = '// Count kprobe:vfs_read calls\n// (kprobe:vfs_read needs CONFIG_KPROBES)\nkprobe:vfs_read { @ = count(); }\n';
    const r = await runToEnd(engine, src, { durationSec: 3 });
    const errors = ofType(r.events, 'error');
    expect(errors.length).toBeGreaterThan(0);
    const placed = errors.filter((e) => e.line !== undefined);
    expect(placed.length).toBeGreaterThan(0);
    for (const e of placed) expect(e.line).toBe(3);
  });
});
