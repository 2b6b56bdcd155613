// One run on several hosts, merged (pure): every map with the host as the first key part,
// histograms side by side per host, and flame graphs with the host as the root frame.
import type { AggregateEvent, ExactInt, FlameNode, HistEvent, HostRunView, MapEvent, StatsEvent } from '../../../common/contract/index.js';
import { intText, intToNumber } from '../../../common/contract/index.js';

export interface MergedRow {
  host: string;
  /** The map key exactly as bpftrace printed it (null: a scalar map). */
  key: string | null;
  value: number;
  /** Not a plain number (stats, strings): shown as text. */
  text: string | null;
}

export interface MergedMap {
  name: string;
  kind: 'map' | 'hist' | 'stats';
  rows: MergedRow[];
  hists: { host: string; map: HistEvent }[];
  /** Hosts that printed this map (a probe one host lacks shows as its absence). */
  hosts: string[];
}

/** The number a row sorts and bars by; stats show their count. */
function valueOf(e: MapEvent['entries'][number] | StatsEvent['entries'][number]): { value: number; text: string | null } {
  const v = e.value as unknown;
  if (typeof v === 'number') return { value: v, text: null };
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return { value: Number(v), text: v }; // bpftrace 0.27's big integers: shown exactly
  if (v && typeof v === 'object' && 'count' in v) {
    const s = v as { count: number; average: number; total: number };
    return { value: s.count, text: `count ${s.count} · avg ${s.average} · total ${s.total}` };
  }
  return { value: 0, text: JSON.stringify(v) };
}

export function mergeMaps(hosts: readonly Pick<HostRunView, 'target' | 'maps'>[]): MergedMap[] {
  const out = new Map<string, MergedMap>();
  for (const h of hosts) {
    for (const m of h.maps as AggregateEvent[]) {
      let mm = out.get(m.name);
      if (!mm) out.set(m.name, (mm = { name: m.name, kind: m.type, rows: [], hists: [], hosts: [] }));
      if (!mm.hosts.includes(h.target)) mm.hosts.push(h.target);
      if (m.type === 'hist') mm.hists.push({ host: h.target, map: m });
      else for (const e of m.entries) mm.rows.push({ host: h.target, key: e.key, ...valueOf(e) });
    }
  }
  for (const mm of out.values()) mm.rows.sort((a, b) => b.value - a.value || a.host.localeCompare(b.host) || String(a.key).localeCompare(String(b.key)));
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The merged key as a table shows it: host first, then bpftrace's key. */
export function mergedKey(r: Pick<MergedRow, 'host' | 'key'>): string {
  return r.key === null ? r.host : `${r.host},${r.key}`;
}

/** Every host's flame graph of `map` under one root, the host as the first frame. */
export function mergeFlames(hosts: readonly Pick<HostRunView, 'target' | 'flames'>[], map: string): FlameNode | null {
  const children: FlameNode[] = [];
  for (const h of hosts) {
    const f = h.flames.find((x) => x.name === map);
    if (f && f.tree.v > 0) children.push({ n: h.target, v: f.tree.v, c: f.tree.c });
  }
  if (children.length === 0) return null;
  return { n: 'all hosts', v: children.reduce((s, c) => s + c.v, 0), c: children };
}

export function stackMapNames(hosts: readonly Pick<HostRunView, 'flames'>[]): string[] {
  return [...new Set(hosts.flatMap((h) => h.flames.map((f) => f.name)))].sort();
}

export interface OverlaidHist {
  /** One series per host (and key, for a keyed histogram): `host` or `host,key`. */
  series: string[];
  rows: { label: string; counts: number[] }[];
}

// Bucket bounds are exact integers (a decimal string beyond 2^53): labels print them exactly,
// the order compares them as numbers (close enough to sort buckets).
const bucketLabel = (b: { min?: ExactInt; max?: ExactInt }) => (b.min === undefined ? `< ${intText(b.max!)}` : b.max === undefined ? `≥ ${intText(b.min)}` : `${intText(b.min)}–${intText(b.max)}`);

/** Every host's histogram over the union of their buckets, for drawing overlaid. */
export function overlayHists(hists: readonly { host: string; map: HistEvent }[]): OverlaidHist {
  const series: string[] = [];
  const byBucket = new Map<string, { min: number; max: number; label: string; counts: Map<number, number> }>();
  for (const { host, map } of hists) {
    for (const e of map.entries) {
      const s = series.push(e.key === null ? host : `${host},${e.key}`) - 1;
      for (const b of e.buckets) {
        const label = bucketLabel(b);
        let row = byBucket.get(label);
        if (!row) byBucket.set(label, (row = { min: b.min === undefined ? -Infinity : intToNumber(b.min), max: b.max === undefined ? Infinity : intToNumber(b.max), label, counts: new Map() }));
        row.counts.set(s, (row.counts.get(s) ?? 0) + b.count);
      }
    }
  }
  const rows = [...byBucket.values()].sort((a, b) => a.min - b.min || a.max - b.max).map((r) => ({ label: r.label, counts: series.map((_, i) => r.counts.get(i) ?? 0) }));
  return { series, rows };
}
