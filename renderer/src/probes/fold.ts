// Search results with the probes this kernel cannot attach folded under one line that says
// why and what to use instead. Pure: the list's rows from the answer and the tree's reasons.
import type { ListProbesResult, ProbeSummary, ProbeTreeResult } from '../../../common/contract/index.js';

export type ResultRow = { kind: 'probe'; probe: ProbeSummary; index: number } | { kind: 'fold'; count: number; types: string[]; reason: string; alternative: string | null; detail: string };

/** How many leading probes of the page are available (the catalog ranks them first). */
export function availableCount(result: ListProbesResult): number {
  const n = result.probes.length;
  const first = result.probes.findIndex((p) => !p.available);
  return first < 0 ? n : Math.min(first, result.available ?? first);
}

/** The probes shown (folded: only the available ones) — what keyboard navigation walks. */
export function shownProbes(result: ListProbesResult, showUnavailable: boolean): number {
  return showUnavailable ? result.probes.length : availableCount(result);
}

export function resultRows(result: ListProbesResult, tree: ProbeTreeResult | null, showUnavailable: boolean): ResultRow[] {
  const avail = availableCount(result);
  const rows: ResultRow[] = result.probes.slice(0, avail).map((probe, index) => ({ kind: 'probe', probe, index }));
  const rest = result.probes.slice(avail);
  if (rest.length === 0) return rows;
  const types = [...new Set(rest.map((p) => p.type))];
  const info = types.map((t) => tree?.types.find((x) => x.type === t)).filter((x) => x !== undefined);
  const reason = info[0]?.reason ?? 'this kernel cannot attach them';
  const alternative = info.find((x) => x.alternative)?.alternative ?? null;
  const detail = info.map((x) => `${x.type}: ${x.reason}${x.alternative ? ` — ${x.alternative}` : ''}`).join('\n');
  // The page may hold only part of them: the total says how many there are.
  const count = result.total - (result.available ?? avail);
  rows.push({ kind: 'fold', count: Math.max(count, rest.length), types, reason, alternative, detail });
  if (showUnavailable) rest.forEach((probe, k) => rows.push({ kind: 'probe', probe, index: avail + k }));
  return rows;
}
