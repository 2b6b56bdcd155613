// d3-flame-graph 5 ships no types: the part of its API that FlameChart.ts uses.
declare module 'd3-flame-graph' {
  export interface HierarchyNode<T = unknown> {
    data: T & { fade?: boolean; hide?: boolean };
    value: number;
    depth: number;
    x0: number;
    x1: number;
    parent: HierarchyNode<T> | null;
    children?: HierarchyNode<T>[];
    originalValue?: number;
    highlight?: boolean;
  }
  export interface FlameGraph<T = unknown> {
    (selection: unknown): void;
    width(w: number): FlameGraph<T>;
    height(h: number | null): FlameGraph<T>;
    minHeight(h: number): FlameGraph<T>;
    cellHeight(h: number): FlameGraph<T>;
    transitionDuration(ms: number): FlameGraph<T>;
    minFrameSize(px: number): FlameGraph<T>;
    inverted(v: boolean): FlameGraph<T>;
    sort(v: boolean | ((a: HierarchyNode<T>, b: HierarchyNode<T>) => number)): FlameGraph<T>;
    selfValue(v: boolean): FlameGraph<T>;
    title(t: string): FlameGraph<T>;
    label(f: (d: HierarchyNode<T>) => string): FlameGraph<T>;
    setColorMapper(f: (d: HierarchyNode<T>, original: string) => string): FlameGraph<T>;
    setSearchHandler(f: (results: HierarchyNode<T>[], sum: number, total: number) => void): FlameGraph<T>;
    setSearchMatch(f: (d: HierarchyNode<T>, term: string) => boolean): FlameGraph<T>;
    setDetailsHandler(f: (text: string | null) => void): FlameGraph<T>;
    onClick(f: (d: HierarchyNode<T>) => void): FlameGraph<T>;
    search(term: string): void;
    clear(): void;
    zoomTo(d: HierarchyNode<T>): void;
    resetZoom(): void;
    update(data?: T): FlameGraph<T>;
    destroy(): FlameGraph<T>;
  }
  export default function flamegraph<T = unknown>(): FlameGraph<T>;
}

// d3-selection ships no types either (and @types/d3-selection is not installed): the little FlameChart.ts uses.
declare module 'd3-selection' {
  export interface Selection<D = unknown> {
    datum(): D;
    datum(d: unknown): Selection<D>;
    call(f: (s: Selection<D>) => void): Selection<D>;
    node(): Element | null;
  }
  export function select<D = unknown>(el: Element): Selection<D>;
}
