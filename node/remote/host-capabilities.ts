// Capabilities per host, side by side (pure): what differs between hosts, so "a probe
// available on one and not another says so".
import type { Capability } from '../../common/contract/index.js';

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

export interface HostProbes {
  host: string;
  /** Probe names with their availability on that host; null: the host did not answer. */
  probes: { name: string; available: boolean }[] | null;
}

/** Probes that some answering hosts can attach and others cannot (or lack), at most `limit` lines. */
export function probeDifferences(hosts: readonly HostProbes[], limit = 50): { lines: string[]; more: number } {
  const answered = hosts.filter((h) => h.probes);
  const maps = answered.map((h) => new Map(h.probes!.map((p) => [p.name, p.available])));
  const names = [...new Set(answered.flatMap((h) => h.probes!.map((p) => p.name)))].sort();
  const lines: string[] = [];
  let more = 0;
  for (const n of names) {
    const yes = answered.filter((_, i) => maps[i].get(n) === true).map((h) => h.host);
    if (yes.length === 0 || yes.length === answered.length) continue;
    const no = answered.flatMap((h, i) => (maps[i].get(n) === true ? [] : [`${h.host} (${maps[i].has(n) ? 'listed, not available' : 'no such probe'})`]));
    if (lines.length < limit) lines.push(`${n}: on ${yes.join(', ')}; not on ${no.join(', ')}`);
    else more++;
  }
  return { lines, more };
}
