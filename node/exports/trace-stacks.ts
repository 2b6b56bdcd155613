// Stack maps as the Trace Event Format's sampled stacks: a `stackFrames` dictionary (one node
// per distinct root-to-frame path, `parent` pointing rootward) and `samples` that name their
// leaf frame (`sf`). One sample per distinct stack carries its count as `weight` (catapult
// reads it); speedscope's importer weighs a sample by the time to the next one instead, so
// samples are laid out on their own thread one after another, each lasting its count in µs,
// and a last frameless sample ends the run: both readers give each stack its count. Pure.
import { EMPTY_STACK, type FoldedProfile } from './stack-maps.js';

export interface TraceFrame {
  name: string;
  category: string;
  parent?: string;
}

export interface TraceSample {
  name: string;
  pid: number;
  tid: number;
  ts: number;
  weight: number;
  sf?: string;
  cpu?: number;
}

export interface TraceStacks {
  frames: Record<string, TraceFrame>;
  samples: TraceSample[];
}

/** Frame ids and samples for each profile on its tid (`tidOf(i)`); ids start at 1 (speedscope treats 0 as none). */
export function traceStacks(profiles: readonly FoldedProfile[], pid: number, tidOf: (i: number) => number): TraceStacks {
  const frames: Record<string, TraceFrame> = {};
  const ids = new Map<string, string>();
  let next = 1;
  const samples: TraceSample[] = [];
  profiles.forEach((p, pi) => {
    const tid = tidOf(pi);
    const category = p.name;
    let ts = 0;
    for (const [stack, v] of p.stacks) {
      let parent: string | undefined;
      let path = '';
      for (const name of (stack === '' ? EMPTY_STACK : stack).split(';')) {
        path += (path ? '\u0000' : '') + name;
        let id = ids.get(pi + '\u0001' + path);
        if (id === undefined) {
          id = String(next++);
          ids.set(pi + '\u0001' + path, id);
          frames[id] = parent === undefined ? { name, category } : { name, category, parent };
        }
        parent = id;
      }
      samples.push({ name: p.name, pid, tid, ts, weight: v, sf: parent });
      ts += v;
    }
    // speedscope gives the last sample no duration: a frameless one ends the run.
    samples.push({ name: p.name, pid, tid, ts, weight: 0 });
  });
  return { frames, samples };
}
