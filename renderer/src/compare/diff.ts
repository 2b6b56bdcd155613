// The differential flame graph's arithmetic, pure: a frame's share of all samples in A
// (before) and B (after), the change between them, its colour (red: B grew, blue: B
// shrank, grey: no change), the tree as FlameChart draws it, its tooltip, and the
// functions whose share changed most. Tested in diff.test.ts.
import { PRUNED_PREFIX, type DiffNode, type FlameNode } from '../../../common/contract/index.js';

export interface Totals {
  totalA: number;
  totalB: number;
}

/** A drawn node: FlameChart's {n, v, c} plus both sides' samples. */
export interface DiffFlameNode extends FlameNode {
  a: number;
  b: number;
  c?: DiffFlameNode[];
}

export type WidthBy = 'a' | 'b';

const share = (x: number, total: number) => (total > 0 ? x / total : 0);

/** Share of all samples in A and B, and the change B − A (fractions, e.g. 0.05 = 5 points). */
export function shares(node: Pick<DiffNode, 'a' | 'b'>, t: Totals): { a: number; b: number; change: number } {
  const a = share(node.a, t.totalA);
  const b = share(node.b, t.totalB);
  return { a, b, change: b - a };
}

/** The largest |change| over every frame below the root: the colour scale's end. */
export function maxAbsChange(tree: DiffNode, t: Totals): number {
  let max = 0;
  const visit = (n: DiffNode) => {
    for (const c of n.c ?? []) {
      max = Math.max(max, Math.abs(shares(c, t).change));
      visit(c);
    }
  };
  visit(tree);
  return max;
}

const NEUTRAL: [number, number, number] = [200, 204, 212];
const GREW: [number, number, number] = [229, 72, 62];
const SHRANK: [number, number, number] = [66, 133, 232];

/** Changes smaller than this (in share) are "no change": grey, so noise does not look like news. */
export const NOISE = 0.0005;

/**
 * The colour of a change in share: grey at 0, full red at +scale, full blue at −scale,
 * between them by the square root of |change| / scale (clamped), so moderate changes are
 * visible beside the largest. `scale` is the largest change in the graph, at least 1
 * point, so a graph of tiny changes does not look alarming.
 */
export function diffColor(change: number, scale: number): string {
  if (!Number.isFinite(change) || Math.abs(change) < NOISE) return rgb(NEUTRAL);
  const s = Math.max(scale, 0.01);
  const k = Math.sqrt(Math.min(1, Math.abs(change) / s));
  const to = change > 0 ? GREW : SHRANK;
  return rgb([0, 1, 2].map((i) => Math.round(NEUTRAL[i] + (to[i] - NEUTRAL[i]) * k)) as [number, number, number]);
}

function rgb([r, g, b]: [number, number, number]): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * The tree as FlameChart draws it: widths from B (what the program does now) or from A
 * (to see what went away). Frames with no samples on the drawn side are dropped; children
 * widest first (FlameChart does not sort).
 */
export function toFlame(tree: DiffNode, widthBy: WidthBy): DiffFlameNode {
  const convert = (n: DiffNode): DiffFlameNode => {
    const v = widthBy === 'b' ? n.b : n.a;
    const out: DiffFlameNode = { n: n.n, v, a: n.a, b: n.b };
    const kids = (n.c ?? []).filter((c) => (widthBy === 'b' ? c.b : c.a) > 0).map(convert);
    if (kids.length) out.c = kids.sort((x, y) => y.v - x.v || x.n.localeCompare(y.n));
    return out;
  };
  return convert(tree);
}

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (f: number) => `${(f * 100).toFixed(2)}%`;

/** "+5.80 pts" / "−1.20 pts" / "±0 pts": a change in share, in percentage points. */
export function formatChange(change: number): string {
  const p = change * 100;
  if (Math.abs(p) < 0.005) return '±0 pts';
  return `${p > 0 ? '+' : '−'}${Math.abs(p).toFixed(2)} pts`;
}

/** What the change means, in words. */
export function changeWord(node: Pick<DiffNode, 'a' | 'b'>, t: Totals): string {
  if (node.a === 0 && node.b > 0) return 'new in B';
  if (node.b === 0 && node.a > 0) return 'gone in B';
  const { change } = shares(node, t);
  if (Math.abs(change) < NOISE) return 'no change';
  return change > 0 ? 'grew in B' : 'shrank in B';
}

/** The tooltip of a frame: A, B and the change. */
export function diffLabel(node: DiffFlameNode, t: Totals): string {
  const s = shares(node, t);
  return [
    node.n,
    `A (before): ${fmt(node.a)} samples · ${pct(s.a)}`,
    `B (after):  ${fmt(node.b)} samples · ${pct(s.b)}`,
    `change: ${formatChange(s.change)} (${changeWord(node, t)})`,
  ].join('\n');
}

export interface FunctionChange {
  name: string;
  /** Share of samples with the function on the stack, in A and in B. */
  totalA: number;
  totalB: number;
  /** Share of samples where it is the leaf. */
  selfA: number;
  selfB: number;
  change: number;
}

/**
 * Functions by how much their inclusive share changed (largest first, gains and losses
 * alike). Inclusive samples count once per stack (recursion is not counted twice), as in
 * the top-functions table; "(pruned …)" nodes are not functions.
 */
export function topChanges(tree: DiffNode, t: Totals, limit = 30): FunctionChange[] {
  const acc = new Map<string, { selfA: number; selfB: number; totalA: number; totalB: number }>();
  const onPath = new Map<string, number>();
  const visit = (node: DiffNode, depth: number) => {
    const kids = node.c ?? [];
    const isFunc = depth > 0 && !node.n.startsWith(PRUNED_PREFIX);
    if (isFunc) {
      const e = acc.get(node.n) ?? { selfA: 0, selfB: 0, totalA: 0, totalB: 0 };
      e.selfA += Math.max(0, node.a - kids.reduce((s, c) => s + c.a, 0));
      e.selfB += Math.max(0, node.b - kids.reduce((s, c) => s + c.b, 0));
      const k = onPath.get(node.n) ?? 0;
      if (k === 0) {
        e.totalA += node.a;
        e.totalB += node.b;
      }
      acc.set(node.n, e);
      onPath.set(node.n, k + 1);
    }
    for (const c of kids) visit(c, depth + 1);
    if (isFunc) onPath.set(node.n, onPath.get(node.n)! - 1);
  };
  visit(tree, 0);
  const out: FunctionChange[] = [];
  for (const [name, e] of acc) {
    const totalA = share(e.totalA, t.totalA);
    const totalB = share(e.totalB, t.totalB);
    out.push({ name, totalA, totalB, selfA: share(e.selfA, t.totalA), selfB: share(e.selfB, t.totalB), change: totalB - totalA });
  }
  out.sort((x, y) => Math.abs(y.change) - Math.abs(x.change) || x.name.localeCompare(y.name));
  return out.filter((f) => Math.abs(f.change) >= NOISE).slice(0, limit);
}
