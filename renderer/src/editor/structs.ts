// Kernel struct layouts for the editor (member completion and hover), one request per
// struct and host: typing `curtask->` then `curtask->p` must not ask again. An unknown
// struct is remembered as null (no completion, no error popup); a failed request (not
// connected, host error other than "no such struct") is forgotten so the next try asks.
import type { StructLayout } from '../../../common/contract/index.js';
import { getClient, onConnected } from '../actions.js';

const cache = new Map<string, Promise<StructLayout | null>>();
const MAX = 500;

onConnected(() => cache.clear());

/** The layout of struct `name` (a struct, union or typedef of one), or null when the kernel has none. */
export function structLayout(name: string): Promise<StructLayout | null> {
  const hit = cache.get(name);
  if (hit) return hit;
  const client = getClient();
  if (!client) return Promise.resolve(null);
  const p = client.describeStruct({ name }).then(
    (s) => s,
    (e: unknown) => {
      // "no struct or union 'x'" is an answer; anything else (no BTF, a lost connection) may change.
      if (!/no struct or union/.test(e instanceof Error ? e.message : String(e))) cache.delete(name);
      return null;
    },
  );
  cache.set(name, p);
  if (cache.size > MAX) cache.delete(cache.keys().next().value!);
  return p;
}
