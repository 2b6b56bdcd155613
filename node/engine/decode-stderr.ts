// bpftrace stderr decoder: its diagnostics text → 'error' / 'warning' events. Pure.
//
// Forms handled (0.17 and newer):
//   FILE:L:C1-C2: ERROR: msg      then the source line and a `~~~` marker line
//   FILE:L:C: ERROR: msg          FILE:L: ERROR: msg        FILE:L1-L2: ERROR: msg
//   ERROR: msg / WARNING: msg     (no location)
//   HINT: msg                     (newer bpftrace; goes to the detail of the diagnostic before)
// Other lines (`create_probe_event: ...`, clang's `x.h:1:2: error: ...`) are detail of
// the next diagnostic, or of the previous one when nothing follows. Colour codes are stripped.
import type { ErrorEvent, TraceEvent, WarningEvent } from '../../common/contract/index.js';

export type Diagnostic = Omit<ErrorEvent, 't'> | Omit<WarningEvent, 't'>;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const HEADER = /^(.+?):(\d+)(?::(\d+)(?:-(\d+))?|-(\d+))?: (ERROR|WARNING|BUG|FATAL): ?(.*)$/;
const BARE = /^(ERROR|WARNING|BUG|FATAL): ?(.*)$/;
/** bpftrace 0.27's exit summary of lost events (its only report of them). */
const LOST_TOTAL = /^Total lost event count: (\d+)\s*$/;
const HINT = /^(HINT|NOTE|note|hint): ?/;
const MARKER = /^[ \t~^]*$/;

/** Messages bpftrace prints as ERROR but survives (it goes on and runs the script). */
const NOT_FATAL: RegExp[] = [/couldn't set RLIMIT_MEMLOCK/, /failed to look up stack id/];

// `failed to look up stack id -17 (pid -1): -2` (0.17) / `failed to look up stack id: -17 stack
// length: …` (newer): the BPF side's get_stackid failed, so the stack's bytes were never stored
// and bpftrace prints it as an empty stack. It can repeat for every key on every print, so
// kscope says it once per stack id, with what it means.
const STACK_LOOKUP = /failed to look up stack id:? (-?\d+)/;
const STACKID_ERRNO: Record<string, string> = {
  '-17': 'EEXIST: two different stacks hashed to the same slot of bpftrace\'s stack map and the kernel kept the first',
  '-12': 'ENOMEM: the stack map was full',
  '-14': 'EFAULT: there was no stack to walk',
};
function explainStackLookup(id: string): string {
  const why = STACKID_ERRNO[id] ?? `error ${id}`;
  return (
    `Some stacks could not be read (stack id ${id}, ${why}). ` +
    'Those samples are counted under an empty stack; the others are exact. ' +
    'A larger BPFTRACE_MAP_KEYS_MAX (run option mapKeysMax) makes collisions rarer.'
  );
}

interface Block {
  severity: 'error' | 'warning';
  message: string;
  line?: number;
  column?: number;
  endColumn?: number;
  detail: string[];
  /** 0: expect the source line next; 1: expect the marker line; 2: done with both. */
  phase: number;
}

function startBlock(raw: string): Block | null {
  const h = HEADER.exec(raw);
  if (h) {
    const [, , line, col, endCol, , kind, msg] = h;
    const b: Block = { severity: kind === 'WARNING' ? 'warning' : 'error', message: msg, detail: [], phase: 2 };
    b.line = Number(line);
    if (col !== undefined) {
      b.column = Number(col);
      if (endCol !== undefined) b.endColumn = Number(endCol);
      b.phase = 0; // a single-line location: bpftrace prints the source line and a marker
    }
    if (b.severity === 'error' && NOT_FATAL.some((r) => r.test(msg))) b.severity = 'warning';
    return b;
  }
  const m = BARE.exec(raw);
  if (m) {
    const severity = m[1] === 'WARNING' || NOT_FATAL.some((r) => r.test(m[2])) ? 'warning' : 'error';
    return { severity, message: m[2], detail: [], phase: 2 };
  }
  return null;
}

function toDiagnostic(b: Block): Diagnostic {
  const loc: { line?: number; column?: number; endColumn?: number } = {};
  if (b.line !== undefined) loc.line = b.line;
  if (b.column !== undefined) loc.column = b.column;
  if (b.endColumn !== undefined) loc.endColumn = b.endColumn;
  if (b.severity === 'warning') return { type: 'warning', message: b.message, ...loc };
  const ev: Omit<ErrorEvent, 't'> = { type: 'error', message: b.message, ...loc };
  // Trim only trailing empty lines: the marker line may be all spaces and still matter.
  const detail = [...b.detail];
  while (detail.length > 0 && detail[detail.length - 1] === '') detail.pop();
  if (detail.length > 0) ev.detail = detail.join('\n');
  return ev;
}

export class StderrDecoder {
  private rest = '';
  private current: Block | null = null;
  /** Lines that belong to the next diagnostic (or the previous one if none comes). */
  private orphans: string[] = [];
  /** Stack ids already reported as unreadable (the message repeats per key and per print). */
  private stackIdsSeen = new Set<string>();

  push(chunk: string, t: number): TraceEvent[] {
    const out: TraceEvent[] = [];
    const buf = this.rest + chunk;
    const lines = buf.split('\n');
    this.rest = lines.pop() ?? '';
    for (const l of lines) this.line(l, t, out);
    return out;
  }

  /** Emit any pending block now (call after ~100 ms idle and at the end). */
  flush(t: number): TraceEvent[] {
    const out: TraceEvent[] = [];
    if (this.rest.length > 0) {
      this.line(this.rest, t, out);
      this.rest = '';
    }
    if (this.orphans.length > 0) {
      if (this.current) {
        this.current.detail.push(...this.orphans);
      } else {
        const text = this.orphans.join('\n').trim();
        // Text bpftrace printed with no ERROR/WARNING around it: keep it visible.
        if (text) out.push({ type: 'warning', t, message: text });
      }
      this.orphans = [];
    }
    this.emit(t, out);
    return out;
  }

  private emit(t: number, out: TraceEvent[]): void {
    const cur = this.current;
    this.current = null;
    if (!cur) return;
    const lost = cur.severity === 'warning' ? LOST_TOTAL.exec(cur.message) : null;
    if (lost) {
      // bpftrace 0.27's exit summary: often its only word on lost events (a cumulative total).
      out.push({ type: 'lost', t, events: Number(lost[1]), total: true });
      return;
    }
    const lookup = STACK_LOOKUP.exec(cur.message);
    if (lookup) {
      if (this.stackIdsSeen.has(lookup[1])) return;
      this.stackIdsSeen.add(lookup[1]);
      out.push({ type: 'warning', t, message: explainStackLookup(lookup[1]) });
      return;
    }
    out.push({ ...toDiagnostic(cur), t } as TraceEvent);
  }

  private line(rawLine: string, t: number, out: TraceEvent[]): void {
    let raw = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    raw = raw.replace(ANSI, '');
    const started = startBlock(raw);
    if (started) {
      this.emit(t, out);
      if (this.orphans.length > 0) {
        started.detail.push(...this.orphans);
        this.orphans = [];
      }
      this.current = started;
      return;
    }
    const cur = this.current;
    if (cur && cur.phase === 0) {
      cur.detail.push(raw);
      cur.phase = 1;
      return;
    }
    if (cur && cur.phase === 1) {
      cur.phase = 2;
      if (MARKER.test(raw)) {
        cur.detail.push(raw);
        return;
      }
    }
    if (cur && HINT.test(raw)) {
      cur.detail.push(raw);
      return;
    }
    if (raw.trim() === '' && this.orphans.length === 0) return;
    this.orphans.push(raw);
  }
}

/** Whole stderr text → diagnostics (for the CLI and tests). */
export function parseErrorText(text: string): Diagnostic[] {
  const d = new StderrDecoder();
  const evs = [...d.push(text, 0), ...d.flush(0)];
  return evs.map((e) => {
    const { t: _t, ...rest } = e as ErrorEvent | WarningEvent;
    return rest;
  });
}
