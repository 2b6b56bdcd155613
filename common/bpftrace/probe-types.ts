// The probe types (bpftrace's probe-type table) and the fixed probes that need no kernel
// listing: software and hardware events, profile, interval, watchpoint, BEGIN, END.
import { probeTypeOf, type ProbeType } from '../contract/index.js';

export interface ProbeTypeInfo {
  /** The type as written in a probe spec (bpftrace's full name). */
  type: string;
  /** How a probe of this type is written. */
  signature: string;
  description: string;
}

/**
 * bpftrace's probe types, one table for the catalog, the editor's completion and hover and
 * the probe browser (the seed's table, completed from bpftrace's man page). The short
 * aliases (`t`, `k`, `f`, ...) are the contract's PROBE_TYPE_ALIASES.
 */
export const PROBE_TYPE_TABLE: readonly ProbeTypeInfo[] = [
  { type: 'tracepoint', signature: 'tracepoint:SUBSYSTEM:EVENT', description: 'Kernel static tracepoints; fields in args' },
  { type: 'rawtracepoint', signature: 'rawtracepoint:EVENT', description: 'Kernel raw tracepoints; arguments in arg0..argN' },
  { type: 'usdt', signature: 'usdt:BINARY:[PROVIDER:]PROBE', description: 'User-level statically defined tracing' },
  { type: 'kprobe', signature: 'kprobe:FUNCTION[+OFFSET]', description: 'Kernel function start (dynamic)' },
  { type: 'kretprobe', signature: 'kretprobe:FUNCTION', description: 'Kernel function return (dynamic); value in retval' },
  { type: 'kfunc', signature: 'kfunc:[MODULE:]FUNCTION', description: 'Kernel function start via BPF trampolines; typed args from BTF' },
  { type: 'kretfunc', signature: 'kretfunc:[MODULE:]FUNCTION', description: 'Kernel function return via BPF trampolines; args and retval' },
  { type: 'fentry', signature: 'fentry:[MODULE:]FUNCTION', description: 'Kernel function start via BPF trampolines (newer name of kfunc)' },
  { type: 'fexit', signature: 'fexit:[MODULE:]FUNCTION', description: 'Kernel function return via BPF trampolines (newer name of kretfunc)' },
  { type: 'uprobe', signature: 'uprobe:BINARY:FUNCTION', description: 'User-level function start' },
  { type: 'uretprobe', signature: 'uretprobe:BINARY:FUNCTION', description: 'User-level function return' },
  { type: 'software', signature: 'software:EVENT:COUNT', description: 'Kernel software events (cpu-clock, page-faults, ...)' },
  { type: 'hardware', signature: 'hardware:EVENT:COUNT', description: 'Processor-level (PMC) events' },
  { type: 'profile', signature: 'profile:hz|s|ms|us:RATE', description: 'Timed sampling across all CPUs' },
  { type: 'interval', signature: 'interval:s|ms|us:RATE', description: 'Timed output on one CPU' },
  { type: 'watchpoint', signature: 'watchpoint:ADDRESS:LENGTH:MODE', description: 'Memory watchpoints (hardware breakpoints)' },
  { type: 'asyncwatchpoint', signature: 'asyncwatchpoint:ADDRESS:LENGTH:MODE', description: 'Memory watchpoints, asynchronous' },
  { type: 'iter', signature: 'iter:OBJECT', description: 'BPF iterators (task, task_file, ...)' },
  { type: 'BEGIN', signature: 'BEGIN', description: 'Runs once when the script starts' },
  { type: 'END', signature: 'END', description: 'Runs once when the script ends' },
];

/** The table by type: what the editor's hover and the probe browser show for a type. */
export const PROBE_TYPE_HELP: Readonly<Record<string, { signature: string; description: string }>> = Object.fromEntries(
  PROBE_TYPE_TABLE.map((t) => [t.type, { signature: t.signature, description: t.description }]),
);


export interface FixedProbe {
  name: string;
  type: ProbeType;
  group: string;
  /** What its parameters mean. */
  help: string;
  /** A ready-to-run probe spec (parameters filled in). */
  example: string;
}

const SOFTWARE: Array<[string, string | null, string, number]> = [
  ['cpu-clock', 'cpu', 'CPU wall-clock time; sample every N nanoseconds of CPU time', 1_000_000],
  ['task-clock', null, 'clock of the running task; sample every N nanoseconds of task time', 1_000_000],
  ['page-faults', 'faults', 'page faults; fire every N faults', 100],
  ['context-switches', 'cs', 'context switches; fire every N switches', 1000],
  ['cpu-migrations', null, 'task migrations between CPUs; fire every N migrations', 1],
  ['minor-faults', null, 'minor page faults (page in memory); fire every N faults', 100],
  ['major-faults', null, 'major page faults (page read from disk); fire every N faults', 1],
  ['alignment-faults', null, 'alignment faults; fire every N faults', 1],
  ['emulation-faults', null, 'instruction emulation faults; fire every N faults', 1],
  ['dummy', null, 'a placeholder event that never fires', 1],
  ['bpf-output', null, 'BPF output events (perf_event_output)', 1],
];

const HARDWARE: Array<[string, string | null, string]> = [
  ['cpu-cycles', 'cycles', 'CPU cycles'],
  ['instructions', null, 'retired instructions'],
  ['cache-references', null, 'last-level cache references'],
  ['cache-misses', null, 'last-level cache misses'],
  ['branch-instructions', 'branches', 'retired branch instructions'],
  ['branch-misses', null, 'mispredicted branches'],
  ['bus-cycles', null, 'bus cycles'],
  ['frontend-stalls', null, 'stalled cycles in the instruction front end'],
  ['backend-stalls', null, 'stalled cycles in the execution back end'],
  ['ref-cycles', null, 'reference cycles (not affected by frequency scaling)'],
];

/** Every fixed probe, in bpftrace -l order within each type. Names follow bpftrace -l (`software:cpu-clock:`). */
export function fixedProbes(): FixedProbe[] {
  const out: FixedProbe[] = [];
  for (const [ev, alias, what, n] of SOFTWARE) {
    out.push({
      name: `software:${ev}:`,
      type: 'software',
      group: 'software',
      help: `software:${ev}:N${alias ? ` (alias software:${alias}:N)` : ''} — ${what}. N is the sample period (default 1${ev.endsWith('clock') ? '000000' : ''}).`,
      example: `software:${ev}:${n}`,
    });
  }
  for (const [ev, alias, what] of HARDWARE) {
    out.push({
      name: `hardware:${ev}:`,
      type: 'hardware',
      group: 'hardware',
      help: `hardware:${ev}:N${alias ? ` (alias hardware:${alias}:N)` : ''} — ${what}; fire every N events (default 1000000). Needs a CPU PMU (hardware counters).`,
      example: `hardware:${ev}:1000000`,
    });
  }
  out.push(
    { name: 'profile:hz:N', type: 'profile', group: 'profile', help: 'profile:hz:N — sample on every CPU N times per second (99 avoids lockstep with timers).', example: 'profile:hz:99' },
    { name: 'profile:s:N', type: 'profile', group: 'profile', help: 'profile:s:N — sample on every CPU every N seconds.', example: 'profile:s:1' },
    { name: 'profile:ms:N', type: 'profile', group: 'profile', help: 'profile:ms:N — sample on every CPU every N milliseconds.', example: 'profile:ms:10' },
    { name: 'profile:us:N', type: 'profile', group: 'profile', help: 'profile:us:N — sample on every CPU every N microseconds.', example: 'profile:us:10000' },
    { name: 'interval:s:N', type: 'interval', group: 'interval', help: 'interval:s:N — fire on one CPU every N seconds (for periodic output).', example: 'interval:s:1' },
    { name: 'interval:ms:N', type: 'interval', group: 'interval', help: 'interval:ms:N — fire on one CPU every N milliseconds.', example: 'interval:ms:100' },
    { name: 'interval:us:N', type: 'interval', group: 'interval', help: 'interval:us:N — fire on one CPU every N microseconds.', example: 'interval:us:100000' },
    { name: 'interval:hz:N', type: 'interval', group: 'interval', help: 'interval:hz:N — fire on one CPU N times per second.', example: 'interval:hz:10' },
    {
      name: 'watchpoint:ADDR:LEN:MODE',
      type: 'watchpoint',
      group: 'watchpoint',
      help: 'watchpoint:ADDR:LEN:MODE — fire when LEN bytes (1, 2, 4 or 8) at address ADDR are accessed; MODE is any of r, w, x (e.g. rw). Needs -p PID or -c CMD for a user address.',
      example: 'watchpoint:0x10000000:8:rw',
    },
    { name: 'BEGIN', type: 'BEGIN', group: 'BEGIN', help: 'BEGIN — runs once when bpftrace starts, before any other probe (set up, print a header).', example: 'BEGIN' },
    { name: 'END', type: 'END', group: 'END', help: 'END — runs once when bpftrace exits (Ctrl-C or exit()), before maps are printed.', example: 'END' },
  );
  return out;
}

/** The fixed probe a concrete spec refers to (`profile:hz:99` → profile:hz:N, `software:cpu:1` → cpu-clock). */
export function fixedProbeFor(spec: string): FixedProbe | null {
  const all = fixedProbes();
  const exact = all.find((p) => p.name === spec);
  if (exact) return exact;
  const parts = spec.split(':');
  const type = probeTypeOf(parts[0]);
  if (!type) return null;
  if (type === 'BEGIN' || type === 'END') return all.find((p) => p.type === type) ?? null;
  if (type === 'watchpoint') return all.find((p) => p.type === 'watchpoint') ?? null;
  if (type === 'software' || type === 'hardware') {
    const table = type === 'software' ? SOFTWARE.map(([e, a]) => [e, a]) : HARDWARE.map(([e, a]) => [e, a]);
    const hit = table.find(([e, a]) => e === parts[1] || a === parts[1]);
    return hit ? (all.find((p) => p.name === `${type}:${hit[0]}:`) ?? null) : null;
  }
  if (type === 'profile' || type === 'interval') return all.find((p) => p.name === `${type}:${parts[1]}:N`) ?? null;
  return null;
}
