// Shared by the exports' tests: fixture paths, an independent oracle of "samples per folded
// stack" computed from parseRecording + parseStackKey (not from the exporters' tree walk), and
// small helpers to write derived recordings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { MapEvent, TraceEvent } from '../../common/contract/index.js';
import { parseRecording } from '../../node/recordings/writer.js';
import { frameName, isStackMap, normalizeGroups, parseStackKey } from '../../common/profile/stacks.js';

export const FIXTURES = path.resolve('test/fixtures/exports');
/** Real recordings (bpftrace 0.17 on this machine): `profile:hz:99 { @stacks[kstack, comm] = count(); ... }` plus a hist, avg, stats and printf. */
export const REC_A = path.join(FIXTURES, 'profile-a.ndjson');
export const REC_B = path.join(FIXTURES, 'profile-b.ndjson');

export function lastStackMap(recText: string, name?: string): MapEvent {
  const maps = parseRecording(recText).events.filter((e): e is MapEvent => e.type === 'map' && (name ? e.name === name : isStackMap(e.entries)));
  if (maps.length === 0) throw new Error('no stack map');
  return maps[maps.length - 1];
}

/** Expected folded stacks of a stack map: other key parts first, then frames root-first, offsets stripped. */
export function oracleFolded(ev: MapEvent): Map<string, number> {
  const out = new Map<string, number>();
  const parsed = ev.entries.filter((e) => e.key !== null).map((e) => ({ p: parseStackKey(e.key!), v: Number(e.value) }));
  const parts = Math.min(...parsed.map((x) => x.p.groups.length));
  for (const { p, v } of parsed) {
    if (!(v > 0)) continue;
    const frames = normalizeGroups(p.groups, parts).slice();
    for (let s = p.stacks.length - 1; s >= 0; s--) for (let f = p.stacks[s].length - 1; f >= 0; f--) frames.push(frameName(p.stacks[s][f]));
    const k = frames.length > 0 ? frames.join(';') : '[empty stack]';
    out.set(k, (out.get(k) ?? 0) + v);
  }
  return out;
}

export const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

export function tmpDir(prefix = 'kscope-exports-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Write a recording: a real fixture's header and the given events. */
export function writeRecording(file: string, headerFrom: string, events: readonly TraceEvent[]): string {
  const header = fs.readFileSync(headerFrom, 'utf8').split('\n')[0];
  fs.writeFileSync(file, [header, ...events.map((e) => JSON.stringify(e))].join('\n') + '\n');
  return file;
}

/** A writable that collects bytes. */
export function collector(): { stream: PassThrough; bytes: () => Buffer; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, bytes: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString('utf8') };
}

/** speedscope file → samples per folded stack, per profile. */
export function speedscopeStacks(doc: {
  shared: { frames: { name: string }[] };
  profiles: { name: string; samples: number[][]; weights: number[]; endValue: number }[];
}): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const p of doc.profiles) {
    const m = new Map<string, number>();
    p.samples.forEach((s, i) => {
      const k = s.map((f) => doc.shared.frames[f].name).join(';');
      m.set(k, (m.get(k) ?? 0) + p.weights[i]);
    });
    out.set(p.name, m);
  }
  return out;
}

/** pprof (gzipped) → samples per folded stack (locations are leaf-first), and its sample type. */
export function pprofStacks(gz: Uint8Array): { stacks: Map<string, number>; sampleType: string[] } {
  const p = Profile.decode(gunzipSync(gz));
  const str = (i: number | bigint) => p.stringTable.strings[Number(i)];
  const fnName = new Map(p.function.map((f) => [Number(f.id), str(f.name)]));
  const locName = new Map(p.location.map((l) => [Number(l.id), fnName.get(Number(l.line[0].functionId))!]));
  const stacks = new Map<string, number>();
  for (const s of p.sample) {
    const k = s.locationId.map((id) => locName.get(Number(id))!).reverse().join(';');
    stacks.set(k, (stacks.get(k) ?? 0) + Number(s.value[0]));
  }
  return { stacks, sampleType: p.sampleType.flatMap((t) => [str(t.type), str(t.unit)]) };
}
