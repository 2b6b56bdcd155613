// pprof: gzipped profile.proto (via pprof-format), readable by `go tool pprof`, Pyroscope and
// Parca. One Function and one Location per distinct frame name, one Sample per distinct stack
// (locations leaf-first, as pprof wants), value = its count. Sample type "samples/count"; with
// several stack maps each stack starts with its map's name (the caller's prefix), as in the folded export.
import { gzipSync } from 'node:zlib';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { RecordingHeader } from '../api/index.js';
import { FrameTable } from './frame-table.js';
import type { FoldedProfile } from './stack-maps.js';

export function encodePprof(profiles: readonly FoldedProfile[], header: RecordingHeader): Uint8Array {
  const strings = new StringTable();
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  // One Function and Location per distinct frame name (ids = FrameTable id + 1: 0 means "none").
  const table = new FrameTable();
  const addMissing = () => {
    for (let id = locations.length; id < table.names.length; id++) {
      const name = strings.dedup(table.names[id]);
      functions.push(new PFunction({ id: id + 1, name, systemName: name }));
      locations.push(new Location({ id: id + 1, line: [new Line({ functionId: id + 1 })] }));
    }
  };
  const samples: Sample[] = [];
  const ids: number[] = [];
  for (const p of profiles) {
    for (const [stack, v] of p.stacks) {
      table.stackIds(stack, ids);
      const locs = new Array<number>(ids.length);
      for (let i = 0; i < ids.length; i++) locs[ids.length - 1 - i] = ids[i] + 1; // leaf first
      samples.push(new Sample({ locationId: locs, value: [v] }));
    }
    addMissing();
  }
  const started = Date.parse(header.startedAt);
  const sampleType = new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') });
  const profile = new Profile({
    sampleType: [sampleType],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: Number.isFinite(started) ? BigInt(started) * 1_000_000n : 0,
    periodType: new ValueType({ type: strings.dedup('samples'), unit: strings.dedup('count') }),
    period: 1,
    comment: [strings.dedup(`kscope: ${profiles.map((p) => p.name).join(', ')} from: ${header.script.slice(0, 2000)}`)],
  });
  return gzipSync(profile.encode());
}
