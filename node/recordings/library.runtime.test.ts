// The library with real runs of bpftrace on this machine: a recording being written is
// "running", not interrupted; the finished one lists what the run showed; replay at the end
// gives the live view's final maps and flame graph; the cap applies when a run ends; and
// everything is still there for a new backend (an app restart).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type MethodName, type RecordingSummary, type SessionUpdate } from '../../common/contract/index.js';
import type { Backend } from '../backend.js';
import { UpdateLog, waitFor } from '../../test/support/runtime.js';
import { backendsOver, callMethod, header, tmpDirs, writeRec } from '../../test/support/recordings.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping the library runtime tests: ${why}`);

// The results are read loosely here (any): each test checks the fields it cares about.
const call = (b: Backend, m: MethodName, params: unknown) => callMethod(b, m, params) as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCRIPT = `profile:hz:199 { @st[kstack] = count(); }
interval:ms:50 { printf("tick %d\\n", nsecs % 1000); @n = count(); @h = hist(nsecs % 1000); }`;

describe.skipIf(why !== null)('the library with real runs', () => {
  const { dir, settings } = tmpDirs();
  const { make, all: backends } = backendsOver(dir, settings);
  let id = '';
  let finalUpdate: SessionUpdate;
  const flames = new Map<string, number>();

  it('a run: running while it goes, then listed with what the live view counted', async () => {
    const b = make();
    const log = new UpdateLog(b.engine);
    const { sessionId, recordingPath } = await call(b, 'run', { source: SCRIPT, options: { snapshotMs: 300, durationSec: 2.5 } });
    id = path.basename(recordingPath, '.ndjson');
    await waitFor(() => log.of(sessionId).some((u) => u.printf.length > 0), 'first printf');
    const during = (await call(b, 'recordings', {})).items.find((s: RecordingSummary) => s.id === id);
    expect(during).toMatchObject({ exit: null, interrupted: false });
    await expect(call(b, 'deleteRecording', { id })).rejects.toThrow(/still being written/);
    await b.engine.get(sessionId)!.whenEnded();
    log.close();
    const ups = log.of(sessionId);
    finalUpdate = ups[ups.length - 1];
    for (const u of ups) for (const f of u.flames) flames.set(f.name, f.total);
    const s = b.engine.get(sessionId)!.status();
    const after = (await call(b, 'recordings', {})).items.find((x: RecordingSummary) => x.id === id) as RecordingSummary;
    expect(after).toMatchObject({ interrupted: false, exit: s.exit, events: s.events, printfLines: s.printfLines, lostEvents: s.lostEvents, origin: 'run' });
    expect(after.name).toBe('profile:hz:199 { @st[kstack] = count(); }');
    expect(after.maps.sort()).toEqual(['@h', '@n', '@st']);
    expect(after.stackMaps).toEqual(['@st']);
    expect(after.bytes).toBe(fs.statSync(recordingPath).size);
  });

  it('replay at the end shows the final maps and flame graph the live view showed; earlier frames show less', async () => {
    const b = make();
    const o = await call(b, 'openRecording', { id });
    expect(o).toMatchObject({ script: SCRIPT, torn: false, invalidLines: 0 });
    expect(o.frames.length).toBeGreaterThan(3);
    // The end of the run (the exit comes after the last map print).
    const end = (await call(b, 'recordingAt', { id, t: 1e12, printfLimit: 5000 })) as SessionUpdate;
    const live = backends[0].engine.list().find((x) => x.recordingPath?.endsWith(`${id}.ndjson`))!;
    const session = backends[0].engine.get(live.id)!;
    expect(end.maps.map((m) => m.name).sort()).toEqual([...session.maps.keys()].sort());
    for (const m of end.maps) expect(m, m.name).toEqual(session.maps.get(m.name));
    expect(end.flames.map((f) => [f.name, f.total])).toEqual([...flames]);
    expect(end.status.exit).toEqual(finalUpdate.status.exit);
    expect(end.status.printfLines).toBe(finalUpdate.status.printfLines);
    // The count map only grows: at each stop it is no larger than at the next.
    let prev = -1;
    for (const t of o.frames) {
      const u = (await call(b, 'recordingAt', { id, t, printfLimit: 10 })) as SessionUpdate;
      const n = u.maps.find((m) => m.name === '@n');
      const v = n && n.type === 'map' ? Number(n.entries[0]?.value ?? 0) : 0;
      expect(v).toBeGreaterThanOrEqual(prev);
      expect(u.printf.length).toBeLessThanOrEqual(10);
      prev = v;
    }
    const folded = await call(b, 'exportRecording', { id, format: 'folded', map: '@st' });
    const total = fs.readFileSync(folded.path, 'utf8').trim().split('\n').reduce((n: number, l: string) => n + Number(l.split(' ').pop()), 0);
    // The same samples as the flame graph (samples taken in user space, with an empty kstack, included).
    expect(total).toBe(flames.get('@st'));
  });

  it('when a run ends, the oldest recordings beyond the cap go', async () => {
    const old = writeRec(dir, 'ancient', header({ startedAt: '2001-01-01T00:00:00.000Z' }), [{ type: 'printf', t: 1, text: 'x'.repeat(5000) }]);
    const size = (await call(make(), 'recordings', {})).totalBytes;
    // Over the cap only once the new run's recording is there (it is small; the ancient one is 5 KB).
    fs.writeFileSync(settings, JSON.stringify({ recordingsCapBytes: size }));
    const b = make();
    const { sessionId } = await call(b, 'run', { source: 'interval:ms:100 { printf("%s\\n", "y"); } interval:ms:400 { exit(); }', options: { snapshotMs: 0 } });
    await b.engine.get(sessionId)!.whenEnded();
    await waitFor(() => !fs.existsSync(old), 'the cap to remove the oldest recording');
    expect(fs.existsSync(path.join(dir, `${id}.ndjson`))).toBe(true);
    fs.rmSync(settings);
  });

  it('after an app restart: the same list and names', async () => {
    const b1 = make();
    await call(b1, 'renameRecording', { id, name: 'profile, real' });
    const before = await call(b1, 'recordings', {});
    await b1.shutdown();
    const b2 = make();
    const again = await call(b2, 'recordings', {});
    expect(again).toEqual(before);
    expect(again.items.find((s: RecordingSummary) => s.id === id).name).toBe('profile, real');
  });
});
