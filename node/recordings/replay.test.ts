// Replay against the live aggregation: the state at time t read through the index must be
// what LiveState shows after the same events up to t. Plus torn, growing and future files.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionUpdate, type TraceEvent } from '../../common/contract/index.js';
import { LiveState } from '../engine/live-state.js';
import { parseRecording } from './writer.js';
import { RecordingsLibrary } from './library.js';
import { header, tmpDirs, writeRec } from '../../test/support/recordings.js';
import { PrintfBlocks } from './scan.js';

const stack = (...frames: string[]) => '\n' + frames.map((f) => `        ${f}\n`).join('');

/** A run of 10 s: printf lines between big map prints, a growing stack map, a hist, values, errors, lost. */
function syntheticRun(): TraceEvent[] {
  const ev: TraceEvent[] = [{ type: 'attached', t: 3, probes: 3 }];
  let n = 0;
  const stacks: Record<string, number> = {};
  for (let t = 5; t <= 10_000; t += 5) {
    ev.push({ type: 'printf', t, text: `line ${n++} at ${t}\n` });
    if (t % 100 === 0) ev.push({ type: 'printf', t, text: `second line at ${t} ${'y'.repeat(t % 700)}\n` });
    if (t % 1000 === 0) {
      const entries = Array.from({ length: 2000 }, (_, i) => ({ key: `comm${i}`, value: i * (t / 1000) }));
      ev.push({ type: 'map', t, name: '@', entries, snapshot: true });
      ev.push({ type: 'hist', t, name: '@h', entries: [{ key: null, buckets: [{ min: 0, max: 1, count: t }, { min: 1, max: 2, count: 1 }] }], snapshot: true });
      stacks[stack(`f${t % 3000}+1`, 'main+4', 'start')] = t;
      ev.push({ type: 'map', t, name: '@st', entries: Object.entries(stacks).map(([key, value]) => ({ key, value })), snapshot: false });
    }
    if (t % 1500 === 0) ev.push({ type: 'lost', t, events: t / 100 });
    if (t % 2500 === 0) ev.push({ type: 'error', t, message: `runtime error ${t}` });
    if (t % 3000 === 0) ev.push({ type: 'warning', t, message: `warn ${t}` });
    if (t % 700 === 0) ev.push({ type: 'value', t, value: { n: t } });
    // The script's own prints (print(@s), print(@sh)): the probes' output, unlike kscope's snapshots.
    if (t % 1000 === 500) ev.push({ type: 'map', t, name: '@s', entries: [{ key: 'k', value: t }], snapshot: true, by: 'script' });
    if (t % 2000 === 500) ev.push({ type: 'hist', t, name: '@sh', entries: [{ key: null, buckets: [{ min: 0, max: 1, count: t }] }], snapshot: true, by: 'script' });
  }
  ev.push({ type: 'map', t: 10_004, name: '@', entries: [{ key: 'final', value: 1 }], snapshot: false });
  ev.push({ type: 'exit', t: 10_005, code: 0, signal: 'SIGINT' });
  return ev;
}

function reference(events: readonly TraceEvent[], t: number, injected: number) {
  const live = new LiveState(injected, 1e9, 1e9);
  live.apply(events.filter((e) => e.t <= t));
  return { live, pending: live.take() };
}

describe('replay', async () => {
  const { dir, settings } = tmpDirs();
  const events = syntheticRun();
  writeRec(dir, 'run', header({ injected: { intervalMs: 1000, maps: ['@', '@h'] } }), events);
  const lib = new RecordingsLibrary({ dir, settingsPath: settings, checkOtherProcesses: false });

  it('opens: header, scrubber stops at every map print, nothing invalid', async () => {
    const o = (await lib.open('run'));
    expect(o.frames).toEqual([...new Set(events.filter((e) => e.type === 'map' || e.type === 'hist').map((e) => e.t))]);
    expect(o).toMatchObject({ script: header().script, bpftraceVersion: '0.17.0', kernelRelease: '6.18', invalidLines: 0, torn: false });
    expect(o.summary.maps).toEqual(['@s', '@sh', '@', '@h', '@st']);
    expect(o.summary.stackMaps).toEqual(['@st']);
  });

  it('the state at t is what the live view showed after the events up to t', async () => {
    const times = [0, 2, 3, 5, 999, 1000, 1001, 2500, 2999, 3000, 4321, 7777, 10_000, 10_004, 10_005, 99_999];
    for (const t of times) {
      const u = SessionUpdate.parse((await lib.at('run', t, 300)));
      const { live, pending } = reference(events, t, 1);
      expect(u.status, `status at ${t}`).toEqual({
        state: 'exited',
        startedAt: header().startedAt,
        elapsedMs: t,
        attachedProbes: live.attachedProbes,
        events: live.events,
        outputEvents: live.outputEvents,
        printfLines: live.printfLines,
        lostEvents: live.lostEvents,
        exit: live.exit,
      });
      expect(u.maps, `maps at ${t}`).toEqual([...live.maps.values()]);
      expect(u.flames, `flames at ${t}`).toEqual(pending.flames);
      expect(u.printf, `printf at ${t}`).toEqual(pending.printf.slice(-300));
      expect(u.printfSkipped).toBe(live.printfLines - u.printf.length);
      expect(u.values).toEqual(pending.values);
      expect(u.errors).toEqual(pending.errors);
      expect(u.warnings).toEqual(pending.warnings);
    }
  });

  it('printf limits: none, a few, more than a block, more than there are', async () => {
    const all = events.filter((e): e is Extract<TraceEvent, { type: 'printf' }> => e.type === 'printf' && e.t <= 6000).map((e) => ({ t: e.t, text: e.text }));
    expect((await lib.at('run', 6000, 0)).printf).toEqual([]);
    expect((await lib.at('run', 6000, 0)).status.printfLines).toBe(all.length);
    expect((await lib.at('run', 6000, 7)).printf).toEqual(all.slice(-7));
    expect((await lib.at('run', 6000, PrintfBlocks.LINES * 3 + 5)).printf).toEqual(all.slice(-(PrintfBlocks.LINES * 3 + 5)));
    expect((await lib.at('run', 20, 5000)).printf).toEqual(all.filter((l) => l.t <= 20));
  });

  it('a recording truncated mid-line opens as far as it was written and is marked interrupted', async () => {
    const text = fs.readFileSync(path.join(dir, 'run.ndjson'), 'utf8');
    const cut = text.indexOf('"type":"map","t":5000');
    fs.writeFileSync(path.join(dir, 'torn.ndjson'), text.slice(0, cut + 200));
    const o = (await lib.open('torn'));
    expect(o.torn).toBe(true);
    expect(o.summary.interrupted).toBe(true);
    expect(o.summary.exit).toBeNull();
    expect(Math.max(...o.frames)).toBe(4500); // the script's print(@s) at 4500 is the last whole print
    const parsed = parseRecording(text.slice(0, cut + 200));
    const u = (await lib.at('torn', 1e9, 10));
    expect(u.status.exit).toBeNull();
    expect(u.status.printfLines).toBe(parsed.events.filter((e) => e.type === 'printf').length);
    expect(u.maps.find((m) => m.name === '@')!.t).toBe(4000);
    expect((await lib.list()).items.find((s) => s.id === 'torn')).toMatchObject({ interrupted: true });
  });

  it('a recording from a future format: a clear message when opened, listed as unreadable', async () => {
    writeRec(dir, 'future', { ...header(), format: 99, somethingNew: true }, [{ type: 'printf', t: 1, text: 'x' }]);
    await expect(lib.open('future')).rejects.toThrow(/recording format 99 is newer than this kscope understands \(2\); update kscope/);
    await expect(lib.at('future', 0, 1)).rejects.toThrow(/format 99/);
    expect((await lib.list('unreadable')).items.map((s) => s.id)).toEqual(['future']);
  });

  it('a recording that grows while open (its run going on) is read further on the next look', async () => {
    const half = events.filter((e) => e.t <= 5000);
    const file = writeRec(dir, 'growing', header(), half);
    const l = new RecordingsLibrary({ dir, settingsPath: settings, writing: () => [file], checkOtherProcesses: false });
    const first = (await l.open('growing'));
    expect(first.summary).toMatchObject({ interrupted: false, exit: null });
    expect((await l.at('growing', 1e9, 1)).status.state).toBe('running');
    fs.appendFileSync(file, events.filter((e) => e.t > 5000).map((e) => JSON.stringify(e) + '\n').join(''));
    const again = (await l.open('growing'));
    expect(again.frames.length).toBeGreaterThan(first.frames.length);
    const u = (await l.at('growing', 1e9, 1));
    expect(u.status).toMatchObject({ state: 'exited', exit: { code: 0, signal: 'SIGINT' }, printfLines: reference(events, 1e9, 0).live.printfLines });
    expect((await l.list()).items.find((s) => s.id === 'growing')).toMatchObject({ exit: { code: 0 }, interrupted: false });
  });

  it('unknown ids are a clear error', async () => {
    await expect(lib.open('nope')).rejects.toThrow(/no recording nope/);
    await expect(lib.at('../run', 0, 1)).rejects.toThrow(/not a recording id/);
  });
});
