// The probe catalog's shapes: what listProbes / describeProbe / probeTree answer.
import { z } from 'zod';

export const PROBE_TYPES = [
  'tracepoint',
  'kprobe',
  'kretprobe',
  'kfunc',
  'kretfunc',
  'uprobe',
  'uretprobe',
  'usdt',
  'software',
  'hardware',
  'profile',
  'interval',
  'watchpoint',
  'BEGIN',
  'END',
] as const;
export const ProbeType = z.enum(PROBE_TYPES);
export type ProbeType = z.infer<typeof ProbeType>;

/** bpftrace's short names for probe types (including types kscope does not list). */
export const PROBE_TYPE_ALIASES: Readonly<Record<string, string>> = {
  t: 'tracepoint',
  rt: 'rawtracepoint',
  k: 'kprobe',
  kr: 'kretprobe',
  u: 'uprobe',
  ur: 'uretprobe',
  U: 'usdt',
  s: 'software',
  h: 'hardware',
  p: 'profile',
  i: 'interval',
  w: 'watchpoint',
  aw: 'asyncwatchpoint',
  f: 'kfunc',
  fr: 'kretfunc',
  fentry: 'kfunc',
  fexit: 'kretfunc',
  it: 'iter',
};

/** The probe type a spec's first word names (`t`, `kr`, `fentry`, `tracepoint`, ...), or null. */
export function probeTypeOf(word: string): ProbeType | null {
  const full = Object.prototype.hasOwnProperty.call(PROBE_TYPE_ALIASES, word) ? PROBE_TYPE_ALIASES[word] : word;
  return (PROBE_TYPES as readonly string[]).includes(full) ? (full as ProbeType) : null;
}

/** One probe: its full bpftrace name, type, and the group it sits in (subsystem, module, binary). */
export const ProbeSummary = z.object({
  name: z.string(),
  type: ProbeType,
  group: z.string(),
  available: z.boolean(),
  /** Character positions in `name` that matched the query (for highlighting). */
  matches: z.array(z.number().int()).optional(),
});
export type ProbeSummary = z.infer<typeof ProbeSummary>;

export const ListProbesParams = z
  .object({
    /** bpftrace -l pattern (`tracepoint:syscalls:sys_enter_*`, `*vfs*`) or plain words (fuzzy). Empty: everything. */
    query: z.string().max(10_000).default(''),
    types: z.array(ProbeType).max(PROBE_TYPES.length).optional(),
    /** Only this group (with types of length 1): the tree's leaves. */
    group: z.string().max(4096).optional(),
    /** A binary or library for uprobe/uretprobe/usdt; or a running PID's mapped objects. */
    binary: z.string().max(4096).optional(),
    pid: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(5000).default(500),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type ListProbesParams = z.input<typeof ListProbesParams>;

export const ListProbesResult = z.object({
  mode: z.enum(['all', 'glob', 'fuzzy']),
  total: z.number().int(),
  probes: z.array(ProbeSummary),
  /** Near matches when nothing matched. */
  suggestions: z.array(z.string()),
  /** How many of `total` can be attached on this kernel: those come first, the rest after. */
  available: z.number().int().optional(),
  /** Where the names came from, and anything the user should know (e.g. kallsyms fallback). */
  notes: z.array(z.string()),
  tookMs: z.number(),
});
export type ListProbesResult = z.infer<typeof ListProbesResult>;

export const ProbeTreeResult = z.object({
  types: z.array(
    z.object({
      type: ProbeType,
      count: z.number().int(),
      available: z.boolean(),
      reason: z.string(),
      alternative: z.string().nullable(),
      groups: z.array(z.object({ name: z.string(), count: z.number().int() })),
    }),
  ),
  notes: z.array(z.string()),
});
export type ProbeTreeResult = z.infer<typeof ProbeTreeResult>;

/** A running process, for the probe browser's picker (read-only, from /proc). */
export const ProcessSummary = z.object({
  pid: z.number().int().positive(),
  /** The kernel's name for it (/proc/PID/comm, at most 15 bytes). */
  comm: z.string(),
  /** Its executable (null when unreadable: another user's process without privilege). */
  exe: z.string().nullable(),
  cmdline: z.string(),
  uid: z.number().int().nullable(),
});
export type ProcessSummary = z.infer<typeof ProcessSummary>;

export const ListProcessesResult = z.object({ processes: z.array(ProcessSummary), notes: z.array(z.string()) });
export type ListProcessesResult = z.infer<typeof ListProcessesResult>;

/** One process's executable and the libraries it has mapped (its /proc/PID/maps). */
export const ProcessObjects = ProcessSummary.extend({
  objects: z.array(z.object({ path: z.string(), kind: z.enum(['executable', 'library']) })),
  notes: z.array(z.string()),
});
export type ProcessObjects = z.infer<typeof ProcessObjects>;

export const ProbeArg = z.object({
  name: z.string(),
  type: z.string(),
  offset: z.number().int().optional(),
  size: z.number().int().optional(),
});
export type ProbeArg = z.infer<typeof ProbeArg>;

export const ProbeDescription = z.object({
  name: z.string(),
  type: ProbeType,
  group: z.string(),
  available: z.boolean(),
  reason: z.string().nullable(),
  alternative: z.string().nullable(),
  /** Tracepoint fields (args->x), function parameters from BTF (args->x / argN). */
  args: z.array(ProbeArg),
  /** C prototype from BTF, when known. */
  prototype: z.string().nullable(),
  /** What the probe's parameters mean (profile:hz:N, ...), for fixed probe types. */
  help: z.string().nullable(),
  /** The one-liner that attaches to it. */
  oneLiner: z.string(),
  /** New-script templates for this probe. */
  templates: z.array(z.object({ title: z.string(), source: z.string() })),
});
export type ProbeDescription = z.infer<typeof ProbeDescription>;

export interface StructMember {
  name: string;
  type: string;
  offset: number;
  size: number;
  bitfieldSize?: number;
  /** The members of an anonymous struct/union member's type (`union {...} in6_u`), offsets relative to it. */
  members?: StructMember[];
}
export const StructMember: z.ZodType<StructMember> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.string(),
    offset: z.number().int(),
    size: z.number().int(),
    bitfieldSize: z.number().int().optional(),
    members: z.array(StructMember).optional(),
  }),
);

export const StructLayout = z.object({
  name: z.string(),
  size: z.number().int(),
  members: z.array(StructMember),
});
export type StructLayout = z.infer<typeof StructLayout>;

export const Diagnostic = z.object({
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  endColumn: z.number().int().optional(),
  hint: z.string().optional(),
});
export type Diagnostic = z.infer<typeof Diagnostic>;
