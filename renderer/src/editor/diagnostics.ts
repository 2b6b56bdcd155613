// Diagnostics while typing: `diagnose({ source })` a while after the last edit, never two
// at once, answers for an older text dropped; and the answer as Monaco-independent markers.
import type { Diagnostic } from '../../../common/contract/index.js';
import { markersFor, type Marker } from '../state/editor.js';

export const DIAGNOSE_DELAY_MS = 600;

/** Markers for diagnostics that carry a line; the hint is appended to the message. */
export function diagnosticMarkers(source: string, diagnostics: readonly Diagnostic[]): Marker[] {
  const errors = [];
  const warnings = [];
  for (const d of diagnostics) {
    const message = d.hint ? `${d.message}\n\n${d.hint}` : d.message;
    const loc = {
      t: 0,
      message,
      ...(d.line !== undefined ? { line: d.line } : {}),
      ...(d.column !== undefined ? { column: d.column } : {}),
      ...(d.endColumn !== undefined ? { endColumn: d.endColumn } : {}),
    };
    if (d.severity === 'error') errors.push({ type: 'error' as const, ...loc });
    else warnings.push({ type: 'warning' as const, ...loc });
  }
  return markersFor(source, errors, warnings);
}

export interface SchedulerOptions {
  delayMs?: number;
  diagnose(source: string): Promise<readonly Diagnostic[]>;
  /** The diagnostics for `source`, which is still the latest text. */
  apply(source: string, diagnostics: readonly Diagnostic[]): void;
  clear(): void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class DiagnoseScheduler {
  private latest = '';
  private timer: unknown = null;
  private inFlight = false;
  /** The timer fired while a request was in flight: ask again when it answers. */
  private pending = false;
  private disposed = false;
  private readonly delay: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: SchedulerOptions) {
    this.delay = opts.delayMs ?? DIAGNOSE_DELAY_MS;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** The text changed. */
  update(source: string): void {
    if (this.disposed) return;
    this.latest = source;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (!source.trim()) {
      this.pending = false;
      this.opts.clear();
      return;
    }
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.fire();
    }, this.delay);
  }

  private fire(): void {
    if (this.disposed) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    const source = this.latest;
    if (!source.trim()) return;
    this.inFlight = true;
    this.opts
      .diagnose(source)
      .then((d) => {
        if (!this.disposed && source === this.latest) this.opts.apply(source, d);
      })
      .catch(() => {
        // Not connected or the host failed: keep what is shown; the next edit asks again.
      })
      .finally(() => {
        this.inFlight = false;
        if (this.pending) {
          this.pending = false;
          if (this.latest !== source && this.timer === null) this.fire();
        }
      });
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.clearTimer(this.timer);
  }
}
