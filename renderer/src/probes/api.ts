// The catalog as the renderer asks for it: the contract's calls with small caches shared by
// the probe browser and the editor's completion and hover (describeProbe, the tree).
import type { ListProbesParams, ListProbesResult, ProbeDescription, ProbeTreeResult } from '../../../common/contract/index.js';
import { getClient, onConnected } from '../actions.js';

export class NotConnected extends Error {
  constructor() {
    super('Not connected to the kscope host.');
  }
}

function client() {
  const c = getClient();
  if (!c) throw new NotConnected();
  return c;
}

const describeCache = new Map<string, Promise<ProbeDescription>>();
const listCache = new Map<string, Promise<ListProbesResult>>();
let treePromise: Promise<ProbeTreeResult> | null = null;

// A new connection may be to another host (or a fixed one): forget what the old one said.
onConnected(() => {
  describeCache.clear();
  listCache.clear();
  treePromise = null;
});

function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>, max = 300): Promise<T> {
  const hit = cache.get(key);
  if (hit) return hit;
  const p = make();
  cache.set(key, p);
  p.catch(() => cache.delete(key));
  if (cache.size > max) cache.delete(cache.keys().next().value!);
  return p;
}

export function describeProbe(name: string): Promise<ProbeDescription> {
  return remember(describeCache, name, () => client().describeProbe({ name }));
}

/** listProbes, cached by its parameters (for completion, where the same prefix comes back). */
export function listProbesCached(params: ListProbesParams): Promise<ListProbesResult> {
  return remember(listCache, JSON.stringify(params), () => client().listProbes(params));
}

export function listProbes(params: ListProbesParams): Promise<ListProbesResult> {
  return client().listProbes(params);
}

/** The tree; with a binary or PID, its uprobe/uretprobe/usdt counts are that target's. */
export function probeTree(target: { binary?: string; pid?: number } = {}): Promise<ProbeTreeResult> {
  if (target.binary !== undefined || target.pid !== undefined) return client().probeTree(target);
  if (!treePromise) {
    const p = client().probeTree();
    treePromise = p;
    p.catch(() => {
      if (treePromise === p) treePromise = null;
    });
  }
  return treePromise;
}

export function measureRate(probe: string, seconds = 5) {
  return client().measureRate({ probe, seconds });
}

export function diagnose(source: string) {
  return client().diagnose({ source });
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
