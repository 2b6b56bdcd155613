// The live aggregate of one run: the latest value of every map, counters for the status
// bar, and what changed since the last update. Pure; the session drains it once a frame.
// Stack maps (keys holding kstack/ustack) are folded into flame graph trees here and sent
// as FlameSnapshots, pruned; their raw entries go to the recording only.
import type { AggregateEvent, ErrorEvent, FlameSnapshot, MapEvent, PrintfEvent, SessionStatus, TraceEvent, ValueEvent, WarningEvent } from '../../common/contract/index.js';
import { FlameTree, keyPartsOf, pruneTree, StackFolder, isStackMap, type KeyPart, type PruneResult } from '../../common/profile/stacks.js';
import { isOutputEvent } from '../../common/bpftrace/output-events.js';

export interface PendingUpdate {
  printf: { t: number; text: string }[];
  printfSkipped: number;
  /** Stack maps folded into flame graphs, changed ones only. */
  flames: FlameSnapshot[];
  maps: AggregateEvent[];
  values: ValueEvent[];
  errors: ErrorEvent[];
  warnings: WarningEvent[];
}

/** Flame graph resolution sent with every update: frames under 1/2000 of the samples are merged. */
export const DEFAULT_FLAME_MIN_FRACTION = 1 / 2000;
/** bpftrace's default BPFTRACE_MAP_KEYS_MAX. */
export const BPFTRACE_DEFAULT_MAP_KEYS_MAX = 4096;

export interface LiveStateOptions {
  /** Key parts of the script's stack maps, as the script writes them (kstack vs ustack). */
  stackMaps?: ReadonlyMap<string, KeyPart[]>;
  /** BPFTRACE_MAP_KEYS_MAX of this run (warn when a map reaches it). */
  mapKeysMax?: number;
  flameMinFraction?: number;
}

interface StackMapState {
  folder: StackFolder;
  tree: FlameTree;
  event: MapEvent;
  keyParts: KeyPart[];
  atKeyLimit: boolean;
}

export class LiveState {
  /** The latest value of every map, stack maps excluded (they are in `stackMaps`, folded). */
  readonly maps = new Map<string, AggregateEvent>();
  /** Stack maps (keys holding kstack/ustack): folded trees, never sent raw to the renderer. */
  readonly stackMaps = new Map<string, StackMapState>();
  private changedFlames = new Set<string>();
  attachedProbes: number | null = null;
  events = 0;
  /** What the script's probes emitted (printf, print(), its own map prints): see outputEventOf. */
  outputEvents = 0;
  printfLines = 0;
  lostEvents = 0;
  exit: { code: number | null; signal: string | null; result?: 'final' | 'partial' | 'last-snapshot'; forced?: boolean } | null = null;

  /** The run's counters as a SessionStatus carries them (a real session and the fake backend's alike). */
  counters(): Pick<SessionStatus, 'attachedProbes' | 'events' | 'outputEvents' | 'printfLines' | 'lostEvents' | 'exit'> {
    return { attachedProbes: this.attachedProbes, events: this.events, outputEvents: this.outputEvents, printfLines: this.printfLines, lostEvents: this.lostEvents, exit: this.exit };
  }

  private changed = new Set<string>();
  private printf: PrintfEvent[] = [];
  private printfSkipped = 0;
  private values: ValueEvent[] = [];
  private errors: ErrorEvent[] = [];
  private warnings: WarningEvent[] = [];

  constructor(
    /** Probes kscope added (the snapshot interval), not counted as the user's. */
    private readonly injectedProbes = 0,
    /** Newest printf lines sent per update; older ones in a flood stay in the recording. */
    private readonly maxPrintfPerUpdate = 1000,
    private readonly maxValuesPerUpdate = 200,
    private readonly opts: LiveStateOptions = {},
  ) {}

  /** Most keys any stack map had at its last print (the engine scales its print interval by it). */
  get stackKeys(): number {
    let n = 0;
    for (const s of this.stackMaps.values()) n = Math.max(n, s.event.entries.length);
    return n;
  }

  private applyStackMap(e: MapEvent): void {
    let st = this.stackMaps.get(e.name);
    const folder = st?.folder ?? new StackFolder({ emptyStacks: { keyParts: this.opts.stackMaps?.get(e.name) ?? null } });
    const tree = folder.fold(e.entries);
    const limit = this.opts.mapKeysMax ?? BPFTRACE_DEFAULT_MAP_KEYS_MAX;
    const atKeyLimit = e.entries.length >= limit;
    if (atKeyLimit && !st?.atKeyLimit) {
      this.warnings.push({ type: 'warning', t: e.t, message: `${e.name} reached BPFTRACE_MAP_KEYS_MAX=${limit}: bpftrace dropped further stacks` });
      this.events++;
    }
    const keyParts = st?.keyParts ?? keyPartsOf(folder.lastParsed, this.opts.stackMaps?.get(e.name));
    st = { folder, tree, event: e, keyParts, atKeyLimit: atKeyLimit || !!st?.atKeyLimit };
    this.stackMaps.set(e.name, st);
    this.changedFlames.add(e.name);
  }

  /** A stack map's tree at another resolution (0 = everything) or below a frame path. */
  flameGraph(map: string, minFraction: number, focus: readonly string[] = []): PruneResult {
    const st = this.stackMaps.get(map);
    if (!st) throw new Error(`no stack map ${map} in this run`);
    return pruneTree(st.tree, minFraction, focus);
  }

  private flameSnapshot(name: string): FlameSnapshot {
    const st = this.stackMaps.get(name)!;
    const minFraction = this.opts.flameMinFraction ?? DEFAULT_FLAME_MIN_FRACTION;
    const r = pruneTree(st.tree, minFraction);
    return {
      name,
      t: st.event.t,
      snapshot: st.event.snapshot,
      total: r.total,
      stacks: st.event.entries.length,
      keyParts: st.keyParts,
      minFraction,
      nodes: r.nodes,
      prunedNodes: r.prunedNodes,
      atKeyLimit: st.atKeyLimit,
      tree: r.tree,
    };
  }

  apply(events: readonly TraceEvent[]): void {
    for (const e of events) {
      if (e.type !== 'exit') this.events++;
      if (isOutputEvent(e)) this.outputEvents++;
      switch (e.type) {
        case 'printf':
          this.printfLines++;
          this.printf.push(e);
          if (this.printf.length > this.maxPrintfPerUpdate * 2) this.trimPrintf();
          break;
        case 'map':
          if (this.stackMaps.has(e.name) || this.opts.stackMaps?.has(e.name) || isStackMap(e.entries)) {
            this.applyStackMap(e);
            break;
          }
          this.maps.set(e.name, e);
          this.changed.add(e.name);
          break;
        case 'hist':
        case 'stats':
          this.maps.set(e.name, e);
          this.changed.add(e.name);
          break;
        case 'value':
          if (this.values.length < this.maxValuesPerUpdate) this.values.push(e);
          break;
        case 'attached':
          this.attachedProbes = Math.max(0, e.probes - this.injectedProbes);
          break;
        case 'lost':
          this.lostEvents = e.total ? Math.max(this.lostEvents, e.events) : this.lostEvents + e.events;
          break;
        case 'error':
          this.errors.push(e);
          break;
        case 'warning':
          this.warnings.push(e);
          break;
        case 'exit':
          this.exit = { code: e.code, signal: e.signal, ...(e.result ? { result: e.result } : {}), ...(e.forced ? { forced: true } : {}) };
          break;
      }
    }
  }

  private trimPrintf(): void {
    const drop = this.printf.length - this.maxPrintfPerUpdate;
    if (drop > 0) {
      this.printf.splice(0, drop);
      this.printfSkipped += drop;
    }
  }

  hasPending(): boolean {
    return this.printf.length > 0 || this.printfSkipped > 0 || this.changed.size > 0 || this.changedFlames.size > 0 || this.values.length > 0 || this.errors.length > 0 || this.warnings.length > 0;
  }

  /** Everything new since the last call; resets the pending sets. */
  take(): PendingUpdate {
    this.trimPrintf();
    const out: PendingUpdate = {
      printf: this.printf.map((p) => ({ t: p.t, text: p.text })),
      printfSkipped: this.printfSkipped,
      flames: [...this.changedFlames].map((n) => this.flameSnapshot(n)),
      maps: [...this.changed].map((n) => this.maps.get(n)!),
      values: this.values,
      errors: this.errors,
      warnings: this.warnings,
    };
    this.printf = [];
    this.printfSkipped = 0;
    this.changed.clear();
    this.changedFlames.clear();
    this.values = [];
    this.errors = [];
    this.warnings = [];
    return out;
  }
}
