// Runtime tier: the status bar's events are what the script's probes emitted, counted on a
// real bpftrace run: every printf line and every print() the script makes, none of kscope's
// periodic snapshots of the maps it does not print, nor the exit dump.
import { describe, expect, it } from 'vitest';
import { engineForSuite, runtimeSkipReason } from '../../test/support/engine-suite.js';
import { ofType, runToEnd } from '../../test/support/runtime.js';

const why = runtimeSkipReason();
if (why) console.warn(`skipping output-events runtime test: ${why}`);

describe.skipIf(why !== null)('output events on real bpftrace', () => {
  const suite = engineForSuite('kscope-output-events-');

  it("counts printf lines and the script's prints, not kscope's snapshots or the exit dump", async () => {
    const src = 'interval:ms:100 { @ticks = count(); @seen = count(); printf("tick\\n"); }\ninterval:ms:450 { print(@ticks); }';
    const r = await runToEnd(suite.engine, src, { snapshotMs: 200, durationSec: 2 });
    const printfs = ofType(r.events, 'printf').length;
    const prints = r.events.filter((e) => (e.type === 'map' || e.type === 'hist' || e.type === 'stats') && e.by === 'script').length;
    const snapshots = r.events.filter((e) => (e.type === 'map' || e.type === 'hist' || e.type === 'stats') && e.by === 'kscope').length;
    expect(printfs).toBeGreaterThan(5);
    expect(prints).toBeGreaterThan(1);
    // kscope printed @seen on its own: those prints are there, and not counted.
    expect(snapshots).toBeGreaterThan(1);
    const status = r.updates[r.updates.length - 1]!.status;
    expect(status.outputEvents).toBe(printfs + prints);
    expect(status.events).toBeGreaterThan(printfs + prints + snapshots);
  });
});
