// Brendan Gregg's folded stacks (`root;...;leaf N`), one line per distinct stack, readable by
// flamegraph.pl, inferno and speedscope. From the last print of each stack map; with several
// maps (and no --map) each stack starts with its map's name so they stay apart. Counts
// beyond 2^53 are written exactly (their digits, from the recording's decimal strings).
import type { Sink } from './sink.js';
import { stackCountText, type FoldedProfile } from './stack-maps.js';

export async function writeFolded(profiles: readonly FoldedProfile[], sink: Sink): Promise<void> {
  for (const p of profiles) {
    for (const [stack, v] of p.stacks) {
      sink.push(stack + ' ' + stackCountText(p, stack, v) + '\n');
      if (sink.full) await sink.flush();
    }
  }
  await sink.flush();
}
