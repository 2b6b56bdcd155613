// Which maps the script says are NOT stack maps. A key that merely looks like a stack (a
// string from str() or a comm with "\n  f+1" in it) must not be exported as one: when the
// recording's script keys a map with an expression that has no kstack/ustack (and no
// $variable that might hold one), that map is not a stack map, whatever its keys look like.
// Imports have no script: their maps are judged by their keys, as before. Pure.
import { mapKeyExpressions } from '../engine/flame-cadence.js';

export function mapsDeclaredNotStacks(script: string | undefined | null): Set<string> {
  const out = new Set<string>();
  if (!script || !script.trim()) return out;
  for (const [name, expr] of mapKeyExpressions(script)) {
    if (/\b[ku]stack\b/.test(expr) || /\$\w/.test(expr)) continue;
    out.add(name);
  }
  return out;
}
