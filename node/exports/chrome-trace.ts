// Chrome's Trace Event Format (JSON object form) for Perfetto UI and chrome://tracing:
// printf lines and run events as instant events, every map print as a counter ('C') event
// (its top keys by final value: a counter track per key; stack maps as their sample total;
// histograms as the total count per key; avg/stats as the average), run metadata as 'M'
// events. Timestamps in µs since the run started. Two passes over the file: the first (the
// caller's scan) picks the top keys from the final prints, the second streams the events.
//
// Every counter event carries every series of its map (0 where the print lacks the key):
// catapult fixes a counter's series from its first event, so a key that appears later would
// otherwise vanish. Stack maps are also written as sampled stacks (`stackFrames` + `samples`,
// trace-stacks.ts) from their last print, so trace viewers and speedscope draw them.
import type { AggregateEvent, RecordingHeader, TraceEvent } from '../../common/contract/index.js';
import { scanRecording, type RecordingScan } from '../recordings/recording-stream.js';
import type { Sink } from './sink.js';
import { isStackMapEvent } from './stack-maps.js';
import { firstLine } from './speedscope.js';
import { foldedProfileOf } from './stack-maps.js';
import { traceStacks } from './trace-stacks.js';

/** Counter series per map (Perfetto draws one track per series). */
export const TOP_KEYS = 16;
const PID = 1;
const TID = { printf: 1, maps: 2, run: 3 } as const;
/** Stack map i's samples are on thread STACK_TID + i. */
const STACK_TID = 10;

const keyLabel = (k: string | null): string => (k === null ? 'value' : k.length > 80 ? k.slice(0, 77) + '...' : k);

/** The number a counter shows for one entry, or null when it has none. */
function entryNumber(m: AggregateEvent, e: AggregateEvent['entries'][number]): number | null {
  if (m.type === 'hist') return (e as { buckets: { count: number }[] }).buckets.reduce((a, b) => a + b.count, 0);
  const v = (e as { value: unknown }).value;
  if (typeof v === 'number') return v;
  if (m.type === 'stats' && typeof v === 'object' && v !== null && typeof (v as { average?: unknown }).average === 'number') return (v as { average: number }).average;
  return null;
}

interface Plan {
  /** Keys shown per map (null: the map is shown as one "samples" total — stack maps). */
  keys: Map<string, Set<string | null> | null>;
  cut: Map<string, number>;
}

function plan(scan: RecordingScan, only?: string): Plan {
  const keys: Plan['keys'] = new Map();
  const cut = new Map<string, number>();
  for (const m of scan.last.values()) {
    if (only !== undefined && m.name !== only) continue;
    if (isStackMapEvent(m)) {
      keys.set(m.name, null);
      continue;
    }
    const ranked = m.entries
      .map((e) => ({ key: e.key, v: entryNumber(m, e) }))
      .filter((x): x is { key: string | null; v: number } => x.v !== null)
      .sort((a, b) => Math.abs(b.v) - Math.abs(a.v));
    if (ranked.length > TOP_KEYS) cut.set(m.name, ranked.length);
    keys.set(m.name, new Set(ranked.slice(0, TOP_KEYS).map((x) => x.key)));
  }
  return { keys, cut };
}

export async function writeChromeTrace(recPath: string, scan: RecordingScan, sink: Sink, exporter: string, map?: string): Promise<string[]> {
  const warnings: string[] = [];
  const p = plan(scan, map);
  for (const [name, n] of p.cut) warnings.push(`${name}: ${n} keys, only the top ${TOP_KEYS} by final value are counters`);
  const h = scan.header;
  let first = true;
  const emit = (ev: Record<string, unknown>) => {
    sink.push((first ? '' : ',\n') + JSON.stringify(ev));
    first = false;
  };
  sink.push('{"traceEvents":[\n');
  emit({ name: 'process_name', ph: 'M', pid: PID, tid: 0, ts: 0, args: { name: `bpftrace: ${firstLine(h.script) || 'script'}` } });
  for (const [name, tid] of Object.entries(TID)) emit({ name: 'thread_name', ph: 'M', pid: PID, tid, ts: 0, args: { name } });
  const stackMaps = [...p.keys].filter(([, k]) => k === null).map(([name]) => scan.last.get(name)!);
  const profiles = stackMaps.filter((m) => m.type === 'map').map((m) => foldedProfileOf(m as Parameters<typeof foldedProfileOf>[0]));
  profiles.forEach((prof, i) => emit({ name: 'thread_name', ph: 'M', pid: PID, tid: STACK_TID + i, ts: 0, args: { name: `stacks ${prof.name}` } }));
  emit({ name: 'run', ph: 'i', s: 'p', pid: PID, tid: TID.run, ts: 0, cat: 'run', args: runArgs(h) });
  const cutNoted = new Set<string>();
  const onEvent = (e: TraceEvent) => {
    const ts = Math.round(e.t * 1000);
    switch (e.type) {
      case 'printf': {
        const text = e.text.replace(/\n$/, '');
        emit({ name: text.length > 80 ? text.slice(0, 77) + '...' : text, ph: 'i', s: 't', pid: PID, tid: TID.printf, ts, cat: 'printf', args: { text: e.text } });
        return;
      }
      case 'map':
      case 'hist':
      case 'stats': {
        if (!p.keys.has(e.name)) return;
        const keys = p.keys.get(e.name)!;
        const args: Record<string, number> = {};
        if (keys === null) {
          let total = 0;
          for (const x of e.entries) {
            const v = Number((x as { value: unknown }).value);
            if (Number.isFinite(v) && v > 0) total += v;
          }
          args.samples = total;
        } else {
          // Every series in every event, 0 until (or after) the print holds its key.
          for (const k of keys) args[keyLabel(k)] = 0;
          for (const x of e.entries) {
            if (!keys.has(x.key)) continue;
            const v = entryNumber(e, x);
            if (v !== null) args[keyLabel(x.key)] = v;
          }
        }
        emit({ name: e.name, ph: 'C', pid: PID, tid: TID.maps, ts, cat: e.type, args });
        const n = p.cut.get(e.name);
        if (n !== undefined && !cutNoted.has(e.name)) {
          cutNoted.add(e.name);
          emit({ name: `${e.name}: top ${TOP_KEYS} of ${n} keys`, ph: 'i', s: 't', pid: PID, tid: TID.maps, ts, cat: 'note', args: { shown: TOP_KEYS, keys: n } });
        }
        return;
      }
      case 'value':
        emit({ name: 'print', ph: 'i', s: 't', pid: PID, tid: TID.printf, ts, cat: 'value', args: { value: e.value } });
        return;
      default: {
        const { type, t: _t, ...rest } = e;
        void _t;
        emit({ name: type, ph: 'i', s: 'p', pid: PID, tid: TID.run, ts, cat: 'run', args: rest });
      }
    }
  };
  await scanRecording(recPath, { onEvent, afterChunk: () => sink.maybeFlush() });
  sink.push('\n]');
  if (profiles.length > 0) {
    const st = traceStacks(profiles, PID, (i) => STACK_TID + i);
    sink.push(`,"stackFrames":${JSON.stringify(st.frames)},"samples":[`);
    st.samples.forEach((x, i) => sink.push((i > 0 ? ',\n' : '\n') + JSON.stringify(x)));
    sink.push('\n]');
  }
  sink.push(`,"displayTimeUnit":"ms","otherData":${JSON.stringify({ exporter, ...runArgs(h) })}}\n`);
  await sink.flush();
  return warnings;
}

function runArgs(h: RecordingHeader): Record<string, unknown> {
  return { script: h.script, startedAt: h.startedAt, bpftrace: h.bpftraceVersion, kernel: h.kernelRelease, kscope: h.kscopeVersion ?? null };
}
