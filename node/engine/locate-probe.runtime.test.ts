// Runtime tier: a probe this kernel cannot attach (no kprobes here) is marked on the line
// that attaches it, not on a comment above that names it.
import { describe, expect, it } from 'vitest';
import { engineForSuite, runtimeSkipReason } from '../../test/support/engine-suite.js';
import { ofType, runToEnd } from '../../test/support/runtime.js';

const why = runtimeSkipReason();
if (why) console.warn(`skipping locate-probe runtime test: ${why}`);

describe.skipIf(why !== null)('attach errors placed on the attach point', () => {
  const suite = engineForSuite('kscope-locate-');

  it('a kprobe that cannot attach: the error points at its spec, not the comment naming it', async () => {
    const src = '// Count kprobe:vfs_read calls\n// (kprobe:vfs_read needs CONFIG_KPROBES)\nkprobe:vfs_read { @ = count(); }\n';
    const r = await runToEnd(suite.engine, src, { durationSec: 3 });
    const errors = ofType(r.events, 'error');
    expect(errors.length).toBeGreaterThan(0);
    const placed = errors.filter((e) => e.line !== undefined);
    expect(placed.length).toBeGreaterThan(0);
    for (const e of placed) expect(e.line).toBe(3);
  });
});
