// THE CONTRACT: every method and event that crosses between the privileged side and the
// renderer. Both transports (Electron IPC and the WebSocket host) are generated from
// these two lists, and every message is validated against these schemas both ways.
import { z } from 'zod';
import {
  AggregateEvent,
  FlameNode,
  FlameSnapshot,
  ErrorEvent,
  RunOptions,
  StopResult,
  ValueEvent,
  WarningEvent,
} from './events.js';
import {
  Diagnostic,
  ListProcessesResult,
  ProcessObjects,
  ListProbesParams,
  ListProbesResult,
  ProbeDescription,
  ProbeTreeResult,
  StructLayout,
} from './catalog.js';
import { EVENT_NAMES, METHOD_NAMES } from './names.js';
import { remoteMethods } from './remote.js';

const NoParams = z.object({}).strict().optional();

export const SessionState = z.enum(['starting', 'running', 'stopping', 'exited']);
export type SessionState = z.infer<typeof SessionState>;

export const SessionStatus = z.object({
  state: SessionState,
  startedAt: z.string(),
  elapsedMs: z.number(),
  attachedProbes: z.number().nullable(),
  /** Events decoded from bpftrace so far (printf lines, map prints, ...). */
  events: z.number(),
  /**
   * What the script's probes emitted, as bpftrace reported it: printf lines, print() values
   * and the script's own map prints; not kscope's periodic snapshots nor the exit dump
   * (the status bar's events and rate). Absent from hosts that predate it.
   */
  outputEvents: z.number().optional(),
  printfLines: z.number(),
  lostEvents: z.number(),
  exit: z.object({ code: z.number().nullable(), signal: z.string().nullable(), result: StopResult.optional(), forced: z.boolean().optional() }).nullable(),
  /** While bpftrace prints its final maps after SIGINT: how long, how much, what kscope says. */
  stopping: z.object({ sinceMs: z.number(), bytes: z.number(), busy: z.boolean(), message: z.string() }).nullable().optional(),
});
export type SessionStatus = z.infer<typeof SessionStatus>;

export const SessionInfo = z.object({
  id: z.string(),
  source: z.string(),
  recordingPath: z.string().nullable(),
  status: SessionStatus,
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const Capability = z.object({
  available: z.boolean(),
  reason: z.string(),
  evidence: z.array(z.string()),
  remedy: z.string().nullable(),
  /** What works instead on this machine, when something is missing. */
  alternative: z.string().nullable().optional(),
  /** Another name for the same probe type (kfunc → probe:fentry): listed once, under this. */
  aliasOf: z.string().optional(),
});
export type Capability = z.infer<typeof Capability>;

export const Example = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  source: z.string(),
  /** The seed's lesson number (1–12), when this is one of Brendan Gregg's twelve lessons. */
  lesson: z.number().int().nullable().default(null),
  /** Probe types the original needs. */
  needs: z.array(z.string()).default([]),
  /** false when this kernel lacks what the original needs (then `equivalent` runs instead). */
  runnable: z.boolean().default(true),
  /** Why the original cannot run here. */
  reason: z.string().nullable().default(null),
  /** The nearest script that works on this kernel, when the original cannot run. */
  equivalent: z.object({ source: z.string(), title: z.string(), why: z.string() }).nullable().default(null),
  /** 'run' loads and runs the script; 'browse' opens the probe browser with `pattern` (lesson 1). */
  action: z.enum(['run', 'browse']).default('run'),
  pattern: z.string().nullable().default(null),
  /** What the result looks like: which view it promises (for the gallery card). */
  view: z.enum(['printf', 'table', 'histogram', 'flamegraph', 'stats', 'probes']).default('table'),
});
export type Example = z.infer<typeof Example>;

/** A coalesced update for one session: at most one per animation frame. */
export const SessionUpdate = z.object({
  sessionId: z.string(),
  seq: z.number().int(),
  status: SessionStatus,
  /** Stack maps folded into flame graphs (changed since the last update). */
  flames: z.array(FlameSnapshot).default([]),
  /** New printf text since the last update (the newest lines if there were too many). */
  printf: z.array(z.object({ t: z.number(), text: z.string() })),
  /** Lines not sent in this update (flood); they are in the recording. */
  printfSkipped: z.number().int(),
  /** Latest value of every aggregation map that changed since the last update. */
  maps: z.array(AggregateEvent),
  values: z.array(ValueEvent),
  errors: z.array(ErrorEvent),
  warnings: z.array(WarningEvent),
});
export type SessionUpdate = z.infer<typeof SessionUpdate>;

export const EXPORT_FORMATS = ['folded', 'speedscope', 'pprof', 'chrome-trace', 'csv', 'svg', 'json'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;
export const IMPORT_FORMATS = ['folded', 'perf', 'bpftrace-text'] as const;
export const ImportFormat = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof ImportFormat>;

/** A recording's id: its file name without `.ndjson` (no path separators, nothing hidden). */
export const RecordingId = z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);

/** One kept run (or import) as the library lists it. */
export const RecordingSummary = z.object({
  id: RecordingId,
  /** The user's name for it, or the script's first meaningful line. */
  name: z.string(),
  path: z.string(),
  script: z.string(),
  startedAt: z.string(),
  /** From the first to the last event's time (ms). */
  durationMs: z.number(),
  events: z.number().int(),
  printfLines: z.number().int(),
  lostEvents: z.number(),
  exit: z.object({ code: z.number().nullable(), signal: z.string().nullable(), result: StopResult.optional(), forced: z.boolean().optional() }).nullable(),
  /** No exit was written: the app or the machine died during the run (it opens as far as it was written). */
  interrupted: z.boolean(),
  /** Its run is still going: the file is being written. */
  running: z.boolean().default(false),
  /** Why the file cannot be read (a future format, not a recording), or null. */
  problem: z.string().nullable().default(null),
  bytes: z.number().int(),
  /** Aggregation maps it holds, and which of them are stack maps (flame graphs). */
  maps: z.array(z.string()),
  stackMaps: z.array(z.string()),
  /** 'run' for a bpftrace run, otherwise the format it was imported from. */
  origin: z.enum(['run', ...IMPORT_FORMATS]),
  example: z.string().nullable(),
});
export type RecordingSummary = z.infer<typeof RecordingSummary>;

/** A differential flame graph node: samples in A and in B (inclusive), children. */
export interface DiffNode {
  n: string;
  a: number;
  b: number;
  c?: DiffNode[];
}
export const DiffNode: z.ZodType<DiffNode> = z.lazy(() => z.object({ n: z.string(), a: z.number(), b: z.number(), c: z.array(DiffNode).optional() }));

export const methods = {
  version: {
    params: NoParams,
    result: z.object({
      kscope: z.string(),
      bpftrace: z.object({ path: z.string(), version: z.string() }).nullable(),
      kernelRelease: z.string(),
      node: z.string(),
      root: z.boolean(),
    }),
  },
  capabilities: {
    params: NoParams,
    result: z.object({ entries: z.record(z.string(), Capability) }),
  },
  examples: {
    params: NoParams,
    result: z.array(Example),
  },
  run: {
    params: z
      .object({ source: z.string().min(1).max(1_000_000), options: RunOptions.optional() })
      .strict(),
    result: z.object({ sessionId: z.string(), recordingPath: z.string().nullable() }),
  },
  stop: {
    params: z.object({ sessionId: z.string().max(100) }).strict(),
    result: z.object({ stopped: z.boolean(), status: SessionStatus }),
  },
  sessions: {
    params: NoParams,
    result: z.array(SessionInfo),
  },
  /** Probes matching a bpftrace -l pattern or fuzzy words, ranked; paged. */
  listProbes: {
    params: ListProbesParams,
    result: ListProbesResult,
  },
  /** The browser's tree: every probe type with its availability, counts and groups. */
  probeTree: {
    params: z.object({ binary: z.string().max(4096).optional(), pid: z.number().int().positive().optional() }).strict().optional(),
    result: ProbeTreeResult,
  },
  /** Running processes for the probe browser's picker (kernel threads left out). Read-only. */
  listProcesses: {
    params: NoParams,
    result: ListProcessesResult,
  },
  /** A process's executable and mapped libraries, whose uprobes and USDT probes can be listed. */
  processObjects: {
    params: z.object({ pid: z.number().int().positive().max(4_194_304) }).strict(),
    result: ProcessObjects,
  },
  describeProbe: {
    params: z.object({ name: z.string().min(1).max(4096), binary: z.string().max(4096).optional() }).strict(),
    result: ProbeDescription,
  },
  /** A kernel struct's members from BTF (a struct, union or typedef of one: `task_struct`, `struct sock`, `atomic_t`), for casts such as lesson 12's and the editor's member completion; an unknown name is an error. */
  describeStruct: {
    params: z.object({ name: z.string().min(1).max(256) }).strict(),
    result: StructLayout,
  },
  /** Attach a count to one probe for a few seconds: events per second, before tracing. */
  measureRate: {
    params: z.object({ probe: z.string().min(1).max(4096), seconds: z.number().min(1).max(30).default(5) }).strict(),
    result: z.object({ probe: z.string(), events: z.number(), seconds: z.number(), perSecond: z.number() }),
  },
  /** Printf lines of a run by index, paged from its recording (the log keeps only a window in memory). */
  readLog: {
    params: z.object({ sessionId: z.string().max(100), start: z.number().int().min(0), count: z.number().int().min(1).max(5000) }).strict(),
    result: z.object({ total: z.number().int(), lines: z.array(z.object({ index: z.number().int(), t: z.number(), text: z.string() })) }),
  },
  /** A stack map's flame graph at another resolution (min frame fraction; 0 = show all), optionally below a frame path. */
  flameGraph: {
    params: z
      .object({
        sessionId: z.string().max(100),
        map: z.string().max(256),
        minFraction: z.number().min(0).max(1).default(0),
        focus: z.array(z.string().max(4096)).max(1024).default([]),
      })
      .strict(),
    result: z.object({ total: z.number(), nodes: z.number(), prunedNodes: z.number(), tree: FlameNode }),
  },
  /**
   * A run's recording as written, from a byte offset: the raw NDJSON text (whole UTF-8
   * characters; lines may span chunks). A remote host's recorder pulls every byte with it,
   * so nothing the coalesced `session` event skips is lost (node/remote/).
   */
  recordingTail: {
    params: z
      .object({ sessionId: z.string().max(100), offset: z.number().int().min(0), maxBytes: z.number().int().min(1).max(2 * 1024 * 1024).default(1024 * 1024) })
      .strict(),
    result: z.object({ text: z.string(), nextOffset: z.number().int(), ended: z.boolean() }),
  },
  /** Check a script without running it (bpftrace dry run + what this kernel lacks). */
  diagnose: {
    params: z.object({ source: z.string().max(1_000_000) }).strict(),
    result: z.object({ diagnostics: z.array(Diagnostic), tookMs: z.number() }),
  },
  /** The recordings library: every kept run and import, newest first, optionally filtered. */
  recordings: {
    params: z.object({ query: z.string().max(1000).optional() }).strict().optional(),
    result: z.object({ dir: z.string(), totalBytes: z.number(), capBytes: z.number(), items: z.array(RecordingSummary) }),
  },
  renameRecording: {
    params: z.object({ id: RecordingId, name: z.string().min(1).max(200) }).strict(),
    result: RecordingSummary,
  },
  deleteRecording: {
    params: z.object({ id: RecordingId }).strict(),
    result: z.object({ deleted: z.boolean() }),
  },
  /** Open a recording for replay: its summary, header, and the times its maps were printed (the scrubber's stops). */
  openRecording: {
    params: z.object({ id: RecordingId }).strict(),
    result: z.object({
      summary: RecordingSummary,
      script: z.string(),
      options: z.unknown(),
      bpftraceVersion: z.string().nullable(),
      kernelRelease: z.string(),
      /** Distinct times (ms) at which any aggregation map was printed, ascending. */
      frames: z.array(z.number()),
      /** Lines that were complete but not understood, and whether the last line was torn. */
      invalidLines: z.number().int(),
      torn: z.boolean(),
    }),
  },
  /** The replayed state at time t: every map as it was last printed at or before t, like a live update. */
  recordingAt: {
    params: z.object({ id: RecordingId, t: z.number().min(0), printfLimit: z.number().int().min(0).max(5000).default(500) }).strict(),
    result: SessionUpdate,
  },
  /** Lines [start, start+count) of a recording's printf log (a replay pages its whole log, as a live run does with readLog). */
  readRecordingLog: {
    params: z.object({ id: RecordingId, start: z.number().int().min(0), count: z.number().int().min(1).max(5000) }).strict(),
    result: z.object({ total: z.number().int(), lines: z.array(z.object({ index: z.number().int(), t: z.number(), text: z.string() })) }),
  },
  /** Export a recording into the exports folder; `map` picks a stack map or a map (default: all / the first stack map). */
  exportRecording: {
    params: z.object({ id: RecordingId, format: ExportFormat, map: z.string().max(256).optional() }).strict(),
    result: z.object({ name: z.string(), path: z.string(), bytes: z.number().int(), mime: z.string(), warnings: z.array(z.string()) }),
  },
  /** Import pasted or opened text (folded stacks, perf script, bpftrace's terminal output) as a recording. */
  importText: {
    params: z
      .object({
        text: z.string().min(1).max(3_000_000),
        as: ImportFormat.optional(),
        name: z.string().max(200).optional(),
        /** The file's name the text came from (absent: pasted), for the import's default name and note. */
        from: z.string().min(1).max(255).optional(),
        /** perf script: weigh samples by period (default) or count them; tidy frames (default) or keep them. */
        perf: z.object({ weight: z.enum(['period', 'samples']), rawFrames: z.boolean() }).strict().optional(),
      })
      .strict(),
    result: z.object({
      summary: RecordingSummary,
      format: ImportFormat,
      problems: z.array(z.object({ line: z.number().int(), reason: z.string() })),
    }),
  },
  /** Two recordings' stack maps as one differential tree (A = before, B = after). */
  diffRecordings: {
    params: z.object({ a: RecordingId, b: RecordingId, mapA: z.string().max(256).optional(), mapB: z.string().max(256).optional() }).strict(),
    result: z.object({ mapA: z.string(), mapB: z.string(), totalA: z.number(), totalB: z.number(), tree: DiffNode }),
  },
  // Runs on remote hosts over ssh (common/contract/remote.ts).
  ...remoteMethods,
} as const;

export const events = {
  session: SessionUpdate,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.infer<Methods[M]['result']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

/** The API as each side sees it: one async function per method. */
export type KscopeApi = { [M in MethodName]: (params?: Params<M>) => Promise<Result<M>> };
/** What the privileged side implements (params already validated and defaulted). */
export type KscopeImpl = {
  [M in MethodName]: (params: z.output<Methods[M]['params']>) => Promise<Result<M>> | Result<M>;
};

// The zod-free name lists (names.ts, for the preload) must be exactly these keys: a
// method added here and not there, or the reverse, does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatchMethods: Same<(typeof METHOD_NAMES)[number], MethodName> = true;
const namesMatchEvents: Same<(typeof EVENT_NAMES)[number], EventName> = true;
void namesMatchMethods;
void namesMatchEvents;

export const methodNames: readonly MethodName[] = METHOD_NAMES;
export const eventNames: readonly EventName[] = EVENT_NAMES;

/** Where each event comes from on the serving side: one subscription per contract event. */
export type EventSources = { [E in EventName]: (listener: (payload: EventPayload<E>) => void) => () => void };
/** What a transport does with an event for one peer. */
export type EventEmit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/**
 * Subscribe `emit` to every event of the contract, iterating the contract's list (so a
 * new event reaches every transport without touching any of them). Returns the unsubscribe.
 */
export function forwardEvents(sources: EventSources, emit: EventEmit): () => void {
  const offs = eventNames.map(<E extends EventName>(name: E) => (sources[name] as EventSources[E])((payload) => emit(name, payload)));
  return () => offs.forEach((off) => off());
}
