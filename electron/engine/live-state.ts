// The live aggregate of one run: the latest value of every map, counters for the status
// bar, and what changed since the last update. Pure; the session drains it once a frame.
import type { AggregateEvent, ErrorEvent, PrintfEvent, TraceEvent, ValueEvent, WarningEvent } from '../api/index.js';

export interface PendingUpdate {
  printf: { t: number; text: string }[];
  printfSkipped: number;
  maps: AggregateEvent[];
  values: ValueEvent[];
  errors: ErrorEvent[];
  warnings: WarningEvent[];
}

export class LiveState {
  readonly maps = new Map<string, AggregateEvent>();
  attachedProbes: number | null = null;
  events = 0;
  printfLines = 0;
  lostEvents = 0;
  exit: { code: number | null; signal: string | null } | null = null;

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
  ) {}

  apply(events: readonly TraceEvent[]): void {
    for (const e of events) {
      if (e.type !== 'exit') this.events++;
      switch (e.type) {
        case 'printf':
          this.printfLines++;
          this.printf.push(e);
          if (this.printf.length > this.maxPrintfPerUpdate * 2) this.trimPrintf();
          break;
        case 'map':
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
          this.lostEvents += e.events;
          break;
        case 'error':
          this.errors.push(e);
          break;
        case 'warning':
          this.warnings.push(e);
          break;
        case 'exit':
          this.exit = { code: e.code, signal: e.signal };
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
    return this.printf.length > 0 || this.printfSkipped > 0 || this.changed.size > 0 || this.values.length > 0 || this.errors.length > 0 || this.warnings.length > 0;
  }

  /** Everything new since the last call; resets the pending sets. */
  take(): PendingUpdate {
    this.trimPrintf();
    const out: PendingUpdate = {
      printf: this.printf.map((p) => ({ t: p.t, text: p.text })),
      printfSkipped: this.printfSkipped,
      maps: [...this.changed].map((n) => this.maps.get(n)!),
      values: this.values,
      errors: this.errors,
      warnings: this.warnings,
    };
    this.printf = [];
    this.printfSkipped = 0;
    this.changed.clear();
    this.values = [];
    this.errors = [];
    this.warnings = [];
    return out;
  }
}
