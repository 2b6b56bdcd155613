// The probe tree flattened into rows for a virtualized list, and name highlighting: pure.
import type { ProbeSummary, ProbeTreeResult, ProbeType } from '../../../common/contract/index.js';

export type TreeType = ProbeTreeResult['types'][number];

/** Leaves loaded so far for one (type, group) node, paged from listProbes. */
export interface Leaves {
  probes: ProbeSummary[];
  total: number;
  loading: boolean;
  error: string | null;
}

export type Row =
  | { kind: 'type'; key: string; depth: 0; node: TreeType; expanded: boolean }
  | { kind: 'group'; key: string; depth: 1; type: TreeType; name: string; count: number; expanded: boolean }
  | { kind: 'probe'; key: string; depth: number; probe: ProbeSummary }
  | { kind: 'more'; key: string; depth: number; type: ProbeType; group: string | null; loaded: number; total: number; loading: boolean }
  | { kind: 'status'; key: string; depth: number; text: string; error: boolean };

export const typeKey = (type: string) => `t\u0000${type}`;
export const groupKey = (type: string, group: string | null) => `g\u0000${type}\u0000${group ?? ''}`;

/** Page size of the tree's leaves. */
export const LEAF_PAGE = 200;

function leafRows(out: Row[], type: ProbeType, group: string | null, depth: number, leaves: Leaves | undefined) {
  const key = groupKey(type, group);
  if (!leaves || (leaves.loading && leaves.probes.length === 0)) {
    out.push({ kind: 'status', key: `${key}\u0000loading`, depth, text: 'Loading…', error: false });
    return;
  }
  for (const p of leaves.probes) out.push({ kind: 'probe', key: `p\u0000${p.name}`, depth, probe: p });
  if (leaves.error) out.push({ kind: 'status', key: `${key}\u0000error`, depth, text: leaves.error, error: true });
  else if (leaves.probes.length < leaves.total)
    out.push({ kind: 'more', key: `${key}\u0000more`, depth, type, group, loaded: leaves.probes.length, total: leaves.total, loading: leaves.loading });
  else if (leaves.total === 0) out.push({ kind: 'status', key: `${key}\u0000empty`, depth, text: 'No probes', error: false });
}

/**
 * The visible rows: every type; the groups of an expanded type (or its probes, when it
 * has no groups); the probes of an expanded group, with a "more" row while pages remain.
 */
export function treeRows(
  types: readonly TreeType[],
  expanded: Readonly<Record<string, boolean>>,
  leaves: Readonly<Record<string, Leaves>>,
): Row[] {
  const out: Row[] = [];
  for (const node of types) {
    const tk = typeKey(node.type);
    const open = Boolean(expanded[tk]);
    out.push({ kind: 'type', key: tk, depth: 0, node, expanded: open });
    if (!open) continue;
    if (node.groups.length === 0) {
      leafRows(out, node.type, null, 1, leaves[groupKey(node.type, null)]);
      continue;
    }
    for (const g of node.groups) {
      const gk = groupKey(node.type, g.name);
      const gOpen = Boolean(expanded[gk]);
      out.push({ kind: 'group', key: gk, depth: 1, type: node, name: g.name, count: g.count, expanded: gOpen });
      if (gOpen) leafRows(out, node.type, g.name, 2, leaves[gk]);
    }
  }
  return out;
}

/** The last part of a probe name, as a tree leaf shows it under its group. */
export function leafLabel(p: ProbeSummary): string {
  const prefix = `${p.type}:${p.group}:`;
  if (p.name.startsWith(prefix) && p.name.length > prefix.length) return p.name.slice(prefix.length);
  const typePrefix = `${p.type}:`;
  if (p.name.startsWith(typePrefix) && p.name.length > typePrefix.length) return p.name.slice(typePrefix.length);
  return p.name;
}

export interface Segment {
  text: string;
  hit: boolean;
  /** Before `dimBefore`: the probe's group, shown quieter than its own name. */
  dim?: boolean;
}

/**
 * Split a name into runs of matched and unmatched characters (positions from `matches`),
 * the characters before `dimBefore` marked dim.
 */
export function highlightSegments(name: string, matches: readonly number[] | undefined, dimBefore = 0): Segment[] {
  const hit = new Set((matches ?? []).filter((i) => i >= 0 && i < name.length));
  const out: Segment[] = [];
  for (let i = 0; i < name.length; i++) {
    const h = hit.has(i);
    const d = i < dimBefore;
    const last = out[out.length - 1];
    if (last && last.hit === h && Boolean(last.dim) === d) last.text += name[i];
    else out.push(d ? { text: name[i]!, hit: h, dim: true } : { text: name[i]!, hit: h });
  }
  return out;
}

/**
 * A search result as the list shows it: the full name (it is what bpftrace takes), its
 * type and group quieter than the probe's own name, the matched characters highlighted.
 */
export function resultSegments(p: Pick<ProbeSummary, 'name' | 'matches'>): Segment[] {
  const lastColon = p.name.replace(/:$/, '').lastIndexOf(':');
  return highlightSegments(p.name, p.matches, lastColon + 1);
}

/** Tooltip of an unavailable type or probe: reason, then what works instead. */
export function unavailableText(type: string, reason: string | null, alternative: string | null): string {
  let s = `${type} — unavailable: ${reason ?? 'not supported here'}`;
  if (alternative) s += `\n${alternative}`;
  return s;
}

/** `probes=PATTERN` from the query string or the fragment. */
export function probesParam(search: string, hash: string): string | null {
  const q = new URLSearchParams(search).get('probes');
  if (q) return q;
  const h = new URLSearchParams(hash.replace(/^#/, '')).get('probes');
  return h || null;
}
