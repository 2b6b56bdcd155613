// Brendan Gregg's folded stacks (`root;...;leaf N`), one line per distinct stack, readable by
// flamegraph.pl, inferno and speedscope. From the last print of each stack map; with several
// maps (and no --map) each stack starts with its map's name so they stay apart.
import type { Sink } from './sink.js';
import type { FoldedProfile } from './stack-maps.js';

export async function writeFolded(profiles: readonly FoldedProfile[], sink: Sink): Promise<void> {
  for (const p of profiles) {
    for (const [stack, v] of p.stacks) {
      sink.push(stack + ' ' + v + '\n');
      if (sink.full) await sink.flush();
    }
  }
  await sink.flush();
}
