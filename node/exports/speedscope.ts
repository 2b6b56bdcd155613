// speedscope's file format (https://www.speedscope.app/file-format-schema.json): one 'sampled'
// profile per stack map, frames shared by name across profiles, one sample per distinct stack
// (frame indices root-first) weighted by its count, so totals equal the map's. Counts beyond
// 2^53 are written exactly (their digits).
import type { RecordingHeader } from '../../common/contract/index.js';
import type { Sink } from './sink.js';
import type { StackCounts } from '../../common/export/stack-table.js';
import { countText } from '../../common/import/exact-counts.js';
import { ByteSink } from './byte-sink.js';
import { sampleUnitOf } from './sample-units.js';

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

export async function writeSpeedscope(profiles: readonly StackCounts[], frames: readonly string[], header: RecordingHeader, sink: Sink, exporter: string): Promise<void> {
  // Shared frames: one per distinct name over all profiles (StackTable's ids, in the order
  // the stacks first name them). Samples and weights, millions of numbers, go straight into
  // byte buffers.
  const name = firstLine(header.script) || 'kscope recording';
  sink.push(`{"$schema":${JSON.stringify(SPEEDSCOPE_SCHEMA)},"name":${JSON.stringify(name)},"exporter":${JSON.stringify(exporter)},"activeProfileIndex":0,"shared":{"frames":[`);
  for (let i = 0; i < frames.length; i++) {
    sink.push((i > 0 ? ',{"name":' : '{"name":') + JSON.stringify(frames[i]) + '}');
    if (sink.full) await sink.flush();
  }
  sink.push(']},"profiles":[');
  const out = new ByteSink(sink);
  for (let pi = 0; pi < profiles.length; pi++) {
    const p = profiles[pi];
    out.text((pi > 0 ? ',' : '') + `{"type":"sampled","name":${JSON.stringify(p.name)},"unit":"${sampleUnitOf(header, p.name).unit === 'nanoseconds' ? 'nanoseconds' : 'none'}","startValue":0,"endValue":${countText(p.total)},"samples":[`);
    const { start, ids } = p;
    for (let i = 0; i < p.size; i++) {
      if (i > 0) out.byte(44); // ,
      out.byte(91); // [
      const end = start[i + 1];
      for (let k = start[i]; k < end; k++) {
        if (k > start[i]) out.byte(44);
        out.int(ids[k]);
        if (out.full) await out.flush();
      }
      out.byte(93); // ]
    }
    out.text('],"weights":[');
    for (let i = 0; i < p.size; i++) {
      if (i > 0) out.byte(44);
      const c = p.counts[i];
      if (typeof c === 'number' && Number.isSafeInteger(c) && c >= 0) out.int(c);
      else out.text(countText(c));
      if (out.full) await out.flush();
    }
    out.text(']}');
  }
  out.text(']}\n');
  await out.flush();
  await sink.flush();
}

export function firstLine(script: string): string {
  for (const l of script.split('\n')) {
    const t = l.trim();
    if (t && !t.startsWith('//') && !t.startsWith('#')) return t.length > 120 ? t.slice(0, 117) + '...' : t;
  }
  return '';
}
