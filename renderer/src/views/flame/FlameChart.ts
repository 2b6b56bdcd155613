// The one module that touches d3-flame-graph: create / update / destroy a flame chart in a
// DOM element. d3-flame-graph reads kscope's compact {n, v, c} nodes natively (its default
// accessors look for n/v/c), so trees go in as the engine sends them.
//
// Live updates replace the data (update(data) rebuilds the hierarchy) and lose
// d3-flame-graph's zoom, which it keeps as flags on the data; so this module remembers the
// zoomed frame as a path of names from the root and zooms back to it after each update.
import flamegraph, { type FlameGraph, type HierarchyNode } from 'd3-flame-graph';
import { select, type Selection } from 'd3-selection';
import type { FlameNode } from '../../../../common/contract/index.js';
import './flame.css';

export interface FlameChartOptions<T extends FlameNode = FlameNode> {
  width: number;
  inverted?: boolean;
  cellHeight?: number;
  /** Frames narrower than this many pixels are not drawn (d3-flame-graph's minFrameSize). */
  minFrameSize?: number;
  onZoom?: (path: string[]) => void;
  onSearch?: (matches: number, samples: number, total: number) => void;
  /** Tooltip text of a frame. */
  label?: (name: string, samples: number, percent: number) => string;
  /** Tooltip text from the frame's own data (wins over `label`): e.g. a diff's A, B and change. */
  describe?: (node: T) => string;
  /** A frame's fill from its data (default: d3-flame-graph's warm palette); search matches keep their highlight. */
  color?: (node: T) => string;
}

export interface FlameChart<T extends FlameNode = FlameNode> {
  update(tree: T): void;
  search(term: string): void;
  resetZoom(): void;
  zoomToPath(path: readonly string[]): boolean;
  setInverted(inverted: boolean): void;
  setWidth(width: number): void;
  /** The zoomed frame's path from the root (empty: not zoomed). */
  zoomPath(): string[];
  /** The drawn <svg> (for a PNG of the chart). */
  svg(): SVGSVGElement | null;
  destroy(): void;
}

type Node = HierarchyNode<FlameNode>;

function pathOf(d: Node): string[] {
  const out: string[] = [];
  for (let n: Node | null = d; n; n = n.parent) out.push(n.data.n);
  return out.reverse();
}

function findPath(root: Node, path: readonly string[]): Node | null {
  if (path.length === 0 || root.data.n !== path[0]) return null;
  let node: Node = root;
  for (let i = 1; i < path.length; i++) {
    const next: Node | undefined = node.children?.find((c) => c.data.n === path[i]);
    if (!next) return node; // the frame went away (pruned): stay on its nearest ancestor
    node = next;
  }
  return node;
}

const defaultLabel = (name: string, samples: number, percent: number) => `${name}\n${samples.toLocaleString('en-US')} samples (${percent.toFixed(2)}%)`;

export function createFlameChart<T extends FlameNode = FlameNode>(el: HTMLElement, tree: T, opts: FlameChartOptions<T>): FlameChart<T> {
  let zoom: string[] = [];
  let term = '';
  let total = tree.v;
  const label = opts.label ?? defaultLabel;
  const describe = opts.describe;
  const chart: FlameGraph<FlameNode> = flamegraph<FlameNode>()
    .width(Math.max(100, opts.width))
    .cellHeight(opts.cellHeight ?? 18)
    .transitionDuration(0)
    .minFrameSize(opts.minFrameSize ?? 1)
    .inverted(!!opts.inverted)
    .sort(false) // the engine sends children widest first
    .label((d) => (describe ? describe(d.data as T) : label(d.data.n, d.data.v, total > 0 ? (100 * d.data.v) / total : 0)))
    .setSearchMatch((d, t) => !!t && d.data.n.toLowerCase().includes(t.toLowerCase()))
    .setSearchHandler((results, sum, all) => opts.onSearch?.(results.length, sum, all))
    .setDetailsHandler(() => {})
    .onClick((d) => {
      zoom = d.parent ? pathOf(d) : [];
      opts.onZoom?.(zoom);
    });
  const color = opts.color;
  if (color) chart.setColorMapper((d, original) => (d.highlight ? original : color(d.data as T)));
  el.classList.add('kflame');
  const sel: Selection<Node> = select<Node>(el);
  sel.datum(tree).call(chart as unknown as (s: Selection<Node>) => void);

  const rezoom = () => {
    if (zoom.length === 0) return;
    const node = findPath(sel.datum(), zoom);
    if (node && node.parent) chart.zoomTo(node);
  };

  return {
    update(next) {
      total = next.v;
      chart.update(next);
      rezoom();
      if (term) chart.search(term);
    },
    search(t) {
      term = t;
      if (t) chart.search(t);
      else {
        chart.clear();
        opts.onSearch?.(0, 0, total);
      }
    },
    resetZoom() {
      zoom = [];
      chart.resetZoom();
      opts.onZoom?.(zoom);
    },
    zoomToPath(path) {
      const node = findPath(sel.datum(), path);
      if (!node) return false;
      zoom = node.parent ? pathOf(node) : [];
      chart.zoomTo(node);
      opts.onZoom?.(zoom);
      return true;
    },
    setInverted(inv) {
      chart.inverted(inv);
      chart.update();
    },
    setWidth(w) {
      chart.width(Math.max(100, w));
      chart.update();
    },
    zoomPath: () => zoom.slice(),
    svg: () => el.querySelector('svg'),
    destroy() {
      chart.destroy();
      el.classList.remove('kflame');
    },
  };
}
