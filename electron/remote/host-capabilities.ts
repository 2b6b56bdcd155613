// Capabilities per host, side by side (pure): what differs between hosts, so "a probe
// available on one and not another says so".
import type { Capability } from '../api/index.js';

export interface HostCaps {
  host: string;
  entries: Record<string, Capability> | null;
  /** Why there are none (unreachable, ...). */
  problem: string | null;
}

/** One line per capability whose availability differs between the hosts that answered. */
export function capabilityDifferences(hosts: readonly HostCaps[]): string[] {
  const answered = hosts.filter((h) => h.entries);
  const keys = [...new Set(answered.flatMap((h) => Object.keys(h.entries!)))].sort();
  const out: string[] = [];
  for (const k of keys) {
    const yes = answered.filter((h) => h.entries![k]?.available === true).map((h) => h.host);
    const no = answered.filter((h) => h.entries![k]?.available !== true);
    if (yes.length === 0 || no.length === 0) continue;
    out.push(`${k}: available on ${yes.join(', ')}; not on ${no.map((h) => `${h.host} (${h.entries![k]?.reason ?? 'not reported'})`).join(', ')}`);
  }
  return out;
}
