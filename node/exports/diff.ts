// Differential flame graphs: two profiles (recordings' stack maps, or folded files) as one
// tree of inclusive samples in A (before) and B (after); `stack countA countB` text as
// difffolded.pl writes it; and an SVG coloured by the change in SHARE of samples (red where
// B's share grew, blue where it shrank), so runs of different lengths compare fairly.
import fs from 'node:fs';
import { binaryReason } from '../output/input-kind.js';
import type { DiffNode } from '../../common/contract/index.js';
import { ExportError } from '../../common/export/errors.js';
import { decodeImportText } from '../imports/text-decoder.js';
import { scanRecording } from '../recordings/recording-stream.js';
import { foldedProfileOf, selectStackMaps } from './stack-maps.js';
import { renderFlameSvg, type SvgFrame } from './svg.js';

/** Folded stacks: "root;...;leaf" → samples. */
export type FoldedStacks = Map<string, number>;

export interface FoldedParse {
  stacks: FoldedStacks;
  total: number;
  problems: { line: number; reason: string }[];
}

/** Parse folded text (`a;b;c 12` per line; the count after the last space). Bad lines are reported, the rest kept. */
export function parseFoldedText(text: string): FoldedParse {
  const stacks: FoldedStacks = new Map();
  const problems: FoldedParse['problems'] = [];
  let total = 0;
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.trim()) continue;
    const sp = line.lastIndexOf(' ');
    const n = sp > 0 ? Number(line.slice(sp + 1)) : NaN;
    if (sp <= 0 || !Number.isFinite(n) || n < 0) {
      if (problems.length < 100) problems.push({ line: lineNo, reason: 'expected "frame;frame;... COUNT"' });
      continue;
    }
    const stack = line.slice(0, sp).trim();
    stacks.set(stack, (stacks.get(stack) ?? 0) + n);
    total += n;
  }
  return { stacks, total, problems };
}

interface Building {
  n: string;
  a: number;
  b: number;
  kids: Map<string, Building> | null;
}

/** The differential tree (root "all"; children by larger combined share first). */
export function diffTree(a: FoldedStacks, b: FoldedStacks): DiffNode {
  const root: Building = { n: 'all', a: 0, b: 0, kids: null };
  const add = (stacks: FoldedStacks, side: 'a' | 'b') => {
    for (const [stack, v] of stacks) {
      root[side] += v;
      let node = root;
      for (const f of stack.split(';')) {
        node.kids ??= new Map();
        let k = node.kids.get(f);
        if (!k) node.kids.set(f, (k = { n: f, a: 0, b: 0, kids: null }));
        k[side] += v;
        node = k;
      }
    }
  };
  add(a, 'a');
  add(b, 'b');
  const ta = root.a || 1;
  const tb = root.b || 1;
  const out = (x: Building): DiffNode => {
    const d: DiffNode = { n: x.n, a: x.a, b: x.b };
    if (x.kids) d.c = [...x.kids.values()].sort((p, q) => q.a / ta + q.b / tb - (p.a / ta + p.b / tb) || (p.n < q.n ? -1 : 1)).map(out);
    return d;
  };
  return out(root);
}

/** difffolded.pl's output: `stack countA countB`, one line per stack in either profile. */
export function diffFoldedText(a: FoldedStacks, b: FoldedStacks): string {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const lines: string[] = [];
  for (const k of [...keys].sort()) lines.push(`${k} ${a.get(k) ?? 0} ${b.get(k) ?? 0}`);
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

const pct = (x: number) => (x * 100).toFixed(2) + '%';

/** The colour of a share change: red (grew) or blue (shrank), stronger with |delta| / maxAbs. */
export function diffColor(delta: number, maxAbs: number): string {
  const k = maxAbs > 0 ? Math.min(1, Math.abs(delta) / maxAbs) : 0;
  const pale = Math.round(235 - 185 * k);
  if (delta > 0 && k > 0) return `rgb(255,${pale},${pale})`;
  if (delta < 0 && k > 0) return `rgb(${pale},${pale},255)`;
  return 'rgb(235,235,235)';
}

/**
 * The differential SVG. A frame's width is its mean share of A and B (so frames that vanished
 * or appeared both show); its colour is B's share minus A's.
 */
export function diffSvg(tree: DiffNode, opts: { title?: string; subtitle?: string } = {}): string {
  const ta = tree.a;
  const tb = tree.b;
  const share = (n: DiffNode) => ({ sa: ta > 0 ? n.a / ta : 0, sb: tb > 0 ? n.b / tb : 0 });
  let maxAbs = 0;
  const scan = (n: DiffNode, isRoot: boolean) => {
    const { sa, sb } = share(n);
    if (!isRoot) maxAbs = Math.max(maxAbs, Math.abs(sb - sa));
    for (const c of n.c ?? []) scan(c, false);
  };
  scan(tree, true);
  const conv = (n: DiffNode): SvgFrame => {
    const { sa, sb } = share(n);
    const delta = sb - sa;
    const f: SvgFrame = {
      n: n.n,
      v: (sa + sb) / 2,
      fill: diffColor(delta, maxAbs),
      tip: `${n.n} — A: ${n.a.toLocaleString('en-US')} (${pct(sa)}), B: ${n.b.toLocaleString('en-US')} (${pct(sb)}), share ${delta >= 0 ? '+' : '−'}${(Math.abs(delta) * 100).toFixed(2)} pp`,
    };
    if (n.c && n.c.length > 0) f.c = n.c.map(conv);
    return f;
  };
  return renderFlameSvg(conv(tree), {
    title: opts.title ?? 'Differential Flame Graph',
    subtitle: opts.subtitle ?? `A: ${ta.toLocaleString('en-US')} samples · B: ${tb.toLocaleString('en-US')} samples`,
    legend: 'width: mean share of A and B · red: larger share in B · blue: smaller share in B',
  });
}

export interface DiffSide {
  /** The stack map used (or the file name for a folded file). */
  map: string;
  stacks: FoldedStacks;
  total: number;
}

/** One side of a diff from a recording (its stack map `map`, or its first) or, failing a header, a folded file. */
export async function loadDiffSide(path: string, map?: string, label = path): Promise<DiffSide> {
  if (!(await looksLikeRecording(path))) {
    if (map !== undefined) throw new ExportError(`${label} is a folded file, not a recording: it has no maps to pick`);
    const bytes = await fs.promises.readFile(path);
    // Binary data is refused, never drawn as frames.
    const why = binaryReason(bytes);
    if (why) throw new ExportError(`${label}: ${why}: neither a recording nor folded stacks`);
    // UTF-8, or UTF-16 with its BOM (as the folded import reads it).
    const { stacks, total, problems } = parseFoldedText(decodeImportText(bytes));
    if (stacks.size === 0) throw new ExportError(`${label}: no folded stacks in it${problems.length ? ` (line ${problems[0].line}: ${problems[0].reason})` : ''}`);
    return { map: label, stacks, total };
  }
  const scan = await scanRecording(path, { lazyMaps: true });
  const selected = selectStackMaps(scan, 'a diff', map);
  // A diff compares one map with one map: the first stack map unless one was named.
  const p = foldedProfileOf(selected[0]);
  return { map: p.name, stacks: p.stacks, total: p.total };
}

async function looksLikeRecording(path: string): Promise<boolean> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return /^\s*\{\s*"type"\s*:\s*"header"/.test(buf.toString('utf8', 0, bytesRead)) || buf.toString('utf8', 0, bytesRead).trimStart().startsWith('{');
  } finally {
    await fh.close();
  }
}

export interface DiffResult {
  mapA: string;
  mapB: string;
  totalA: number;
  totalB: number;
  tree: DiffNode;
}

/** What the backend's diffRecordings method returns: A = before, B = after. */
export async function diffRecordings(pathA: string, pathB: string, opts: { mapA?: string; mapB?: string } = {}): Promise<DiffResult> {
  const [a, b] = await Promise.all([loadDiffSide(pathA, opts.mapA), loadDiffSide(pathB, opts.mapB)]);
  return { mapA: a.map, mapB: b.map, totalA: a.total, totalB: b.total, tree: diffTree(a.stacks, b.stacks) };
}
