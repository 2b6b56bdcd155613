// speedscope's file format (https://www.speedscope.app/file-format-schema.json): one 'sampled'
// profile per stack map, frames shared by name across profiles, one sample per distinct stack
// (frame indices root-first) weighted by its count, so totals equal the map's.
import type { RecordingHeader } from '../../common/contract/index.js';
import type { Sink } from './sink.js';
import { FrameTable } from '../../common/export/frame-table.js';
import { stackCountText, totalText, type FoldedProfile } from './stack-maps.js';
import { sampleUnitOf } from './sample-units.js';

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

export async function writeSpeedscope(profiles: readonly FoldedProfile[], header: RecordingHeader, sink: Sink, exporter: string): Promise<void> {
  // Shared frames: one per distinct name over all profiles. Each stack becomes its sample's
  // JSON text ("[3,17,42]") at once; frame strings are created once per distinct name.
  const table = new FrameTable();
  const frames = table.names;
  const ids: number[] = [];
  const samplesOf = profiles.map((p) => {
    const out: string[] = [];
    for (const stack of p.stacks.keys()) out.push('[' + table.stackIds(stack, ids).join(',') + ']');
    return out;
  });
  const name = firstLine(header.script) || 'kscope recording';
  sink.push(`{"$schema":${JSON.stringify(SPEEDSCOPE_SCHEMA)},"name":${JSON.stringify(name)},"exporter":${JSON.stringify(exporter)},"activeProfileIndex":0,"shared":{"frames":[`);
  for (let i = 0; i < frames.length; i++) {
    sink.push((i > 0 ? ',{"name":' : '{"name":') + JSON.stringify(frames[i]) + '}');
    if (sink.full) await sink.flush();
  }
  sink.push(']},"profiles":[');
  for (let pi = 0; pi < profiles.length; pi++) {
    const p = profiles[pi];
    sink.push((pi > 0 ? ',' : '') + `{"type":"sampled","name":${JSON.stringify(p.name)},"unit":"${sampleUnitOf(header, p.name).unit === 'nanoseconds' ? 'nanoseconds' : 'none'}","startValue":0,"endValue":${totalText(p)},"samples":[`);
    const samples = samplesOf[pi];
    for (let i = 0; i < samples.length; i++) {
      sink.push(i > 0 ? ',' + samples[i] : samples[i]);
      if (sink.full) await sink.flush();
    }
    samplesOf[pi] = [];
    sink.push('],"weights":[');
    let i = 0;
    for (const [stack, v] of p.stacks) {
      const w = stackCountText(p, stack, v);
      sink.push(i++ > 0 ? ',' + w : w);
      if (sink.full) await sink.flush();
    }
    sink.push(']}');
  }
  sink.push(']}\n');
  await sink.flush();
}

export function firstLine(script: string): string {
  for (const l of script.split('\n')) {
    const t = l.trim();
    if (t && !t.startsWith('//') && !t.startsWith('#')) return t.length > 120 ? t.slice(0, 117) + '...' : t;
  }
  return '';
}
