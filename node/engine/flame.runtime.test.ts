// Runtime tier: stack maps on the real bpftrace. Lesson 9 (profile:hz:99 { @[kstack] = count(); })
// for ~2 s: stack maps are printed by SIGUSR1 while it runs (not by the injected probe) and
// folded into FlameSnapshots; the raw map never goes out in `maps`; flameGraph answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlameNode } from '../../common/contract/index.js';
import { runToEnd } from '../../test/support/runtime.js';
import { Engine } from './sessions.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping flame runtime tests: ${why}`);

const LESSON_9 = 'profile:hz:99\n{\n\t@[kstack] = count();\n}\n';

function names(t: FlameNode, out = new Set<string>()): Set<string> {
  out.add(t.n);
  for (const c of t.c ?? []) names(c, out);
  return out;
}

describe.skipIf(why !== null)('flame graphs from real bpftrace', () => {
  let tmp: string;
  let engine: Engine;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-flame-'));
    engine = new Engine({ kscopeVersion: 'test', recordingsDir: tmp, capabilities: () => ({}) });
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('lesson 9 for ~2.5 s gives live FlameSnapshots with kernel frames', async () => {
    let midRun: { total: number } | null = null;
    const r = await runToEnd(engine, LESSON_9, { snapshotMs: 250, durationSec: 2.5, mapKeysMax: 65536 }, async (s) => {
      // SIGUSR1 prints come every ≥1 s once attached: wait for the first, then ask for the full tree.
      const t0 = Date.now();
      while (Date.now() - t0 < 2200 && s.state === 'running') {
        await new Promise((res) => setTimeout(res, 100));
        try {
          midRun = s.flameGraph('@', 0, []);
          break;
        } catch {
          /* not printed yet */
        }
      }
    });
    const flames = r.updates.flatMap((u) => u.flames);
    expect(flames.length).toBeGreaterThanOrEqual(2); // at least one live print plus the final dump
    const last = flames[flames.length - 1];
    expect(last.name).toBe('@');
    expect(last.total).toBeGreaterThan(0);
    expect(last.keyParts).toEqual(['kstack']);
    expect(last.tree.n).toBe('all');
    const seen = names(last.tree);
    expect([...seen].some((n) => /idle|schedule|do_syscall_64|entry_SYSCALL|cpu_startup_entry/.test(n))).toBe(true);
    expect([...seen].some((n) => /\+\d+$/.test(n))).toBe(false); // offsets stripped
    expect(r.updates.flatMap((u) => u.maps).some((m) => m.name === '@')).toBe(false); // never sent raw
    // Recorded raw, for exports.
    expect(r.events.some((e) => e.type === 'map' && e.name === '@')).toBe(true);
    expect((midRun as { total: number } | null)?.total ?? 0).toBeGreaterThan(0);
    const full = r.session.flameGraph('@', 0, []);
    expect(full.total).toBe(last.total);
    expect(full.prunedNodes).toBe(0);
  });
});
