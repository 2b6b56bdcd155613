// Reset the flame store when a run starts (state/updates.ts feeds it from the one update
// subscription), and ask the engine for other resolutions of a stack map.
import type { FlameNode } from '../../../../common/contract/index.js';
import { getClient } from '../../actions.js';
import { useFlames } from '../../state/flame.js';
import { useSession } from '../../state/session.js';

let wired = false;

export function wireFlames(): void {
  if (wired) return;
  wired = true;
  // A new run asked for: drop the previous run's graphs.
  useSession.subscribe((s, prev) => {
    if (s.phase === 'starting' && prev.phase !== 'starting') useFlames.getState().reset();
  });
}

/** The map's tree at another resolution (0: every frame) or below a frame path. */
export async function fetchFlame(map: string, minFraction: number, focus: string[] = []): Promise<{ tree: FlameNode; nodes: number; prunedNodes: number } | null> {
  const c = getClient();
  const sessionId = useFlames.getState().sessionId;
  if (!c || !sessionId) return null;
  return c.flameGraph({ sessionId, map, minFraction, focus });
}
