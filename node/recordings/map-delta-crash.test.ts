// A format-2 recording cut anywhere (the app or the machine died mid-write) still gives every
// print that was written whole, through each reader: parseRecording, the export scan
// (scanRecording's last prints) and the replay. Prints are synthetic stack maps that grow and
// change (the runtime test does the same with real bpftrace, uncut).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORDING_FORMAT, type MapEvent, type RecordingHeader } from '../../common/contract/index.js';
import { scanRecording } from './recording-stream.js';
import { Replay } from './replay.js';
import { parseRecording, RecordingWriter } from './writer.js';

const header: RecordingHeader = { type: 'header', format: RECORDING_FORMAT, script: 'profile:hz:99 { @[kstack] = count(); @n[comm] = count(); }', options: {}, bpftraceVersion: '0.17.0', kernelRelease: '6.18', startedAt: new Date(0).toISOString() };

function prints(): MapEvent[] {
  const out: MapEvent[] = [];
  const counts = new Map<string, number>();
  for (let t = 1; t <= 12; t++) {
    for (let k = 0; k < 120; k++) {
      const key = `\nf${(k * 7 + t * 13) % (40 + t * 10)}+${k % 5}\ndo_syscall_64+113\nentry_SYSCALL_64_after_hwframe+118\n`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    out.push({ type: 'map', t: t * 1000, name: '@', entries: [...counts].map(([key, value]) => ({ key, value })).sort((a, b) => a.value - b.value), snapshot: t < 12, by: 'kscope' });
  }
  return out;
}

describe('a format-2 recording cut mid-write', () => {
  it('reads every whole print back exactly, wherever it was cut', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-delta-crash-'));
    try {
      const file = path.join(dir, 'r.ndjson');
      const all = prints();
      const w = new RecordingWriter(file, header);
      const ends: number[] = [];
      for (const p of all) {
        w.append([p, { type: 'printf', t: p.t, text: `after ${p.t}\n` }]);
        ends.push(w.bytes);
      }
      w.close();
      const bytes = fs.readFileSync(file);
      expect(bytes.toString('utf8').match(/"type":"mapdelta"/g)?.length ?? 0).toBeGreaterThan(5);
      // Cut at several points inside the last few prints' lines and just after them.
      for (let i = 3; i < all.length; i++) {
        for (const cut of [ends[i - 1] + 5, Math.floor((ends[i - 1] + ends[i]) / 2), ends[i] - 3]) {
          const cutFile = path.join(dir, `cut-${i}-${cut}.ndjson`);
          fs.writeFileSync(cutFile, bytes.subarray(0, cut));
          const whole = all.slice(0, i); // prints i.. were cut (print i's line or its printf after it)
          const r = parseRecording(bytes.subarray(0, cut).toString('utf8'));
          expect(r.invalid).toEqual([]);
          const back = r.events.filter((e): e is MapEvent => e.type === 'map');
          const printedWhole = back.length === whole.length ? whole : all.slice(0, back.length);
          expect(back.length === i || back.length === i + 1).toBe(true);
          expect(JSON.stringify(back)).toBe(JSON.stringify(printedWhole));
          const scan = await scanRecording(cutFile);
          expect(scan.invalid).toEqual([]);
          expect(JSON.stringify(scan.last.get('@'))).toBe(JSON.stringify(printedWhole[printedWhole.length - 1]));
          const replay = await Replay.open(cutFile);
          const at = replay.at(printedWhole[printedWhole.length - 1].t, 0, 's');
          expect(at.flames[0].stacks).toBe(printedWhole[printedWhole.length - 1].entries.length);
          expect(at.flames[0].total).toBe(printedWhole[printedWhole.length - 1].entries.reduce((a, e) => a + (e.value as number), 0));
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a format-2 recording of the script\'s own prints', () => {
  it('counts each of them, whole or written as changes, in the replay\'s output events', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-delta-by-'));
    try {
      const file = path.join(dir, 'r.ndjson');
      const all = prints().map((p) => ({ ...p, by: 'script' as const, snapshot: false }));
      const w = new RecordingWriter(file, header);
      for (const p of all) w.append([p]);
      w.close();
      expect(fs.readFileSync(file, 'utf8').match(/"type":"mapdelta"/g)?.length ?? 0).toBeGreaterThan(5);
      const replay = await Replay.open(file);
      const u = replay.at(all[all.length - 1].t, 0, 's');
      expect(u.status.outputEvents).toBe(all.length);
      expect(replay.at(all[3].t, 0, 's').status.outputEvents).toBe(4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
