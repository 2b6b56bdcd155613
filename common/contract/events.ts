// The typed events a bpftrace run produces. They are both the recording's lines and
// what the engine reasons about; the renderer sees them through SessionUpdate.
import { z } from 'zod';
import { ExactInt } from './exact-int.js';

/** A histogram bucket. `min` absent: underflow (-inf, max]; `max` absent: overflow [min, +inf). */
export const Bucket = z.object({
  min: ExactInt.optional(),
  max: ExactInt.optional(),
  count: z.number(),
});
export type Bucket = z.infer<typeof Bucket>;

/** A map key exactly as bpftrace printed it (tuple parts joined by commas); null for a scalar map. */
export const MapKey = z.string().nullable();

export const StatsValue = z.object({ count: ExactInt, average: ExactInt, total: ExactInt });
export type StatsValue = z.infer<typeof StatsValue>;

const t = z.number(); // ms since the run started
/**
 * Whose periodic print this is: kscope's (the injected snapshot probes, SIGUSR1) or the
 * script's own `print()`. Absent on the exit dump (bpftrace's) and in older recordings.
 */
const by = z.enum(['kscope', 'script']).optional();
/**
 * Keys bpftrace printed more than once in this map that kscope kept as separate entries
 * (tuples whose parts contain commas print alike: ["a,b","c"] and ["a","b,c"]). Repeated
 * stack keys are summed instead (the same stack seen from two processes).
 */
const duplicateKeys = z.array(z.string()).optional();

export const PrintfEvent = z.object({ type: z.literal('printf'), t, text: z.string() });
export const MapEvent = z.object({
  type: z.literal('map'),
  t,
  name: z.string(),
  /** Integer values are ExactInt (a number, or decimal text beyond 2^53). */
  entries: z.array(z.object({ key: MapKey, value: z.unknown() })),
  snapshot: z.boolean(),
  by,
  duplicateKeys,
});
export const HistEvent = z.object({
  type: z.literal('hist'),
  t,
  name: z.string(),
  entries: z.array(z.object({ key: MapKey, buckets: z.array(Bucket) })),
  snapshot: z.boolean(),
  by,
  duplicateKeys,
});
/** stats() maps carry {count, average, total}; avg() maps carry a plain number. */
export const StatsEvent = z.object({
  type: z.literal('stats'),
  t,
  name: z.string(),
  entries: z.array(z.object({ key: MapKey, value: z.union([StatsValue, ExactInt]) })),
  snapshot: z.boolean(),
  by,
  duplicateKeys,
});
export const ValueEvent = z.object({ type: z.literal('value'), t, value: z.unknown() });
export const AttachedEvent = z.object({ type: z.literal('attached'), t, probes: z.number() });
/**
 * Events bpftrace lost. `total`: the run's cumulative count (bpftrace 0.27's exit summary on
 * stderr, which may repeat what lost_events records already said), not an increment.
 */
export const LostEvent = z.object({ type: z.literal('lost'), t, events: z.number(), total: z.boolean().optional() });
/** Positions are 1-based; endColumn is exclusive (bpftrace's `stdin:1:14-17` covers 14..16). */
export const ErrorEvent = z.object({
  type: z.literal('error'),
  t,
  message: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
  endColumn: z.number().optional(),
  /** bpftrace's own text around the error (source line, caret, extra lines). */
  detail: z.string().optional(),
  /** kscope's explanation when it knows more than bpftrace said (e.g. no kprobes here). */
  hint: z.string().optional(),
});
export const WarningEvent = z.object({
  type: z.literal('warning'),
  t,
  message: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
  endColumn: z.number().optional(),
  detail: z.string().optional(),
});
/**
 * Whether the run's maps are bpftrace's final print ('final'), partly ('partial': stopped by
 * force during the exit dump) or their last snapshot ('last-snapshot': before it).
 */
export const StopResult = z.enum(['final', 'partial', 'last-snapshot']);
export const ExitEvent = z.object({
  type: z.literal('exit'),
  t,
  code: z.number().nullable(),
  signal: z.string().nullable(),
  /** Absent when the run printed no maps (and in older recordings). */
  result: StopResult.optional(),
  /** The user forced the stop (Stop again, Force, a second Ctrl+C). */
  forced: z.boolean().optional(),
});

export const TraceEvent = z.discriminatedUnion('type', [
  PrintfEvent,
  MapEvent,
  HistEvent,
  StatsEvent,
  ValueEvent,
  AttachedEvent,
  LostEvent,
  ErrorEvent,
  WarningEvent,
  ExitEvent,
]);
export type TraceEvent = z.infer<typeof TraceEvent>;
export type PrintfEvent = z.infer<typeof PrintfEvent>;
export type MapEvent = z.infer<typeof MapEvent>;
export type HistEvent = z.infer<typeof HistEvent>;
export type StatsEvent = z.infer<typeof StatsEvent>;
export type ValueEvent = z.infer<typeof ValueEvent>;
export type AttachedEvent = z.infer<typeof AttachedEvent>;
export type LostEvent = z.infer<typeof LostEvent>;
export type ErrorEvent = z.infer<typeof ErrorEvent>;
export type WarningEvent = z.infer<typeof WarningEvent>;
export type ExitEvent = z.infer<typeof ExitEvent>;
export type AggregateEvent = z.infer<typeof AggregateEvent>;

export const RunOptions = z
  .object({
    /** Print the script's aggregation maps every N ms (0 disables snapshots). */
    snapshotMs: z.number().int().min(0).max(60_000).default(1000),
    /** Stop after this many seconds (none: run until stopped or the script exits). */
    durationSec: z.number().positive().max(7 * 24 * 3600).optional(),
    /** Pass --unsafe to bpftrace. Only ever true when the user ticked it for this run. */
    unsafe: z.boolean().default(false),
    /** Positional parameters $1..$N. */
    args: z.array(z.string().max(4096)).max(64).default([]),
    /** bpftrace -p PID: attach uprobes/usdt to this process only; the run ends when it exits. */
    pid: z.number().int().min(1).max(4_194_304).optional(),
    /**
     * bpftrace -c CMD: run this command (as bpftrace's user: root) and trace it; the run ends
     * when it exits. Refused through the privileged helper (it would run as root for a user).
     */
    command: z
      .string()
      .min(1)
      .max(4096)
      // A refinement, not a pattern: a NUL would cut the argv string.
      .refine((c) => !c.includes('\0'), 'NUL in command')
      .optional(),
    /**
     * BPFTRACE_MAP_KEYS_MAX for this run (bpftrace's default of 4096 silently drops keys;
     * profiling runs raise it). The engine warns when a map reaches it.
     */
    mapKeysMax: z.number().int().min(1).max(10_000_000).optional(),
    /** Which gallery example this run is, and whether the original or this kernel's equivalent ran (and why). */
    example: z
      .object({ id: z.string().max(100), variant: z.enum(['original', 'equivalent']), reason: z.string().max(2000).nullable() })
      .strict()
      .optional(),
  })
  .strict();
export type RunOptions = z.infer<typeof RunOptions>;
export type RunOptionsInput = z.input<typeof RunOptions>;

/** 2: map prints may be written as what changed (`mapdelta` lines, common/format/map-delta.ts); 1 is still read. */
export const RECORDING_FORMAT = 2;
export const RecordingHeader = z.object({
  type: z.literal('header'),
  format: z.number().int(),
  script: z.string(),
  options: z.unknown(),
  bpftraceVersion: z.string().nullable(),
  kernelRelease: z.string(),
  startedAt: z.string(),
  kscopeVersion: z.string().optional(),
  /** What kscope added to the script (the snapshot probe), so a reader can tell. */
  injected: z
    .object({
      intervalMs: z.number(),
      maps: z.array(z.string()),
      /** Stack maps kscope prints itself, and how (SIGUSR1, a self:signal probe, an interval probe). */
      stackMaps: z.array(z.string()).optional(),
      stackPrint: z.enum(['sigusr1', 'signal-probe', 'interval']).nullable().optional(),
      /** Maps the script prints, clears or zeroes itself: kscope never prints them (their prints are `by: "script"`). */
      scriptPrints: z.array(z.string()).optional(),
      /** kscope's END probe marks where bpftrace's exit dump starts. */
      exitMarker: z.boolean().optional(),
    })
    .nullable()
    .optional(),
});
export type RecordingHeader = z.infer<typeof RecordingHeader>;

export const AggregateEvent = z.discriminatedUnion('type', [MapEvent, HistEvent, StatsEvent]);

/** A flame graph node: name, samples (inclusive), children. Compact keys: trees are large. */
export interface FlameNode {
  n: string;
  v: number;
  c?: FlameNode[];
}
export const FlameNode: z.ZodType<FlameNode> = z.lazy(() => z.object({ n: z.string(), v: z.number(), c: z.array(FlameNode).optional() }));

/**
 * A stack map folded by the engine (maps whose key holds kstack/ustack): one tree, rooted at
 * "all", grouped first by the key's other parts (comm, pid, ...) when there are any. Frames
 * narrower than `minFraction` of the total are merged into a "(pruned)" child of their parent.
 */
export const FlameSnapshot = z.object({
  name: z.string(),
  t: z.number(),
  snapshot: z.boolean(),
  total: z.number(),
  /** Stacks (map keys) folded. */
  stacks: z.number(),
  /** What the key is made of, in order: e.g. ['kstack'], ['kstack', 'string']. */
  keyParts: z.array(z.enum(['kstack', 'ustack', 'string', 'number'])),
  minFraction: z.number(),
  nodes: z.number(),
  prunedNodes: z.number(),
  /** The map reached BPFTRACE_MAP_KEYS_MAX: stacks beyond it were dropped by bpftrace. */
  atKeyLimit: z.boolean(),
  tree: FlameNode,
});
export type FlameSnapshot = z.infer<typeof FlameSnapshot>;
