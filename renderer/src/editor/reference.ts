// bpftrace's language reference, as data: builtins, functions, map kinds and probe types
// with their signatures and one-line descriptions (the seed article's tables, completed
// from bpftrace's man page). Pure: used by completion and hover, and tested.
import { PROBE_TYPE_ALIASES } from '../../../common/contract/index.js';

export interface RefEntry {
  name: string;
  /** How it is written: `str(char *s [, int length])`, `pid`. */
  signature: string;
  description: string;
  /** The bpftrace version that introduced it, when newer than 0.17. */
  since?: string;
  /** Snippet for completion (Monaco snippet syntax), when it takes arguments. */
  snippet?: string;
}

export const BUILTINS: RefEntry[] = [
  { name: 'pid', signature: 'pid', description: 'Process ID (kernel tgid)' },
  { name: 'tid', signature: 'tid', description: 'Thread ID (kernel pid)' },
  { name: 'uid', signature: 'uid', description: 'User ID' },
  { name: 'gid', signature: 'gid', description: 'Group ID' },
  { name: 'comm', signature: 'comm', description: 'Process or command name' },
  { name: 'nsecs', signature: 'nsecs', description: 'Current time in nanoseconds' },
  { name: 'elapsed', signature: 'elapsed', description: 'Nanoseconds since bpftrace initialization' },
  { name: 'cpu', signature: 'cpu', description: 'Processor ID' },
  { name: 'ncpus', signature: 'ncpus', description: 'Number of CPUs' },
  { name: 'numaid', signature: 'numaid', description: 'NUMA node ID' },
  { name: 'curtask', signature: 'curtask', description: 'Current task_struct as a u64' },
  { name: 'rand', signature: 'rand', description: 'Random number of type u32' },
  { name: 'cgroup', signature: 'cgroup', description: 'Cgroup ID of the current process' },
  { name: 'cpid', signature: 'cpid', description: 'Child PID (with the -c command option)' },
  { name: 'jiffies', signature: 'jiffies', description: 'Jiffies of the kernel (64-bit)' },
  { name: 'kstack', signature: 'kstack', description: 'Kernel stack trace' },
  { name: 'ustack', signature: 'ustack', description: 'User-level stack trace' },
  { name: 'arg0', signature: 'arg0, arg1, ... argN', description: 'Function arguments (kprobe, uprobe, usdt)' },
  { name: 'args', signature: 'args', description: 'Tracepoint arguments (and typed kfunc/uprobe arguments): args->NAME' },
  { name: 'retval', signature: 'retval', description: 'Function return value (kretprobe, uretprobe, kretfunc)' },
  { name: 'func', signature: 'func', description: 'Function name (of the traced function)' },
  { name: 'probe', signature: 'probe', description: 'Full probe name' },
  { name: 'name', signature: 'name', description: 'Full probe name (older alias of probe)' },
  { name: 'username', signature: 'username', description: 'Current user name' },
  { name: 'usermode', signature: 'usermode', description: '1 if the probe fired in user mode, 0 in kernel mode' },
  { name: 'ctx', signature: 'ctx', description: 'Pointer to the BPF program context (pt_regs, tracepoint struct, ...)' },
  { name: 'sarg0', signature: 'sarg0, sarg1, ... sargN', description: 'Function arguments passed on the stack (kprobe, uprobe)' },
  { name: '$1', signature: '$1, $2, ... $N, $#', description: 'Positional parameters (bpftrace script.bt ARG1 ARG2; $# is their count)' },
];

export const FUNCTIONS: RefEntry[] = [
  { name: 'printf', signature: 'printf(char *fmt, ...)', description: 'Print formatted', snippet: 'printf("${1}\\n"${2})' },
  { name: 'print', signature: 'print(@x[, top [, div]]) | print(value)', description: 'Print a map (optionally the top entries, values divided by div) or a value', snippet: 'print(${1:@x})' },
  { name: 'time', signature: 'time(char *fmt)', description: 'Print formatted time', snippet: 'time("${1:%H:%M:%S}\\n")' },
  { name: 'join', signature: 'join(char *arr[] [, char *delim])', description: 'Print the array (e.g. a process\'s argv) joined by delim', snippet: 'join(${1:args->argv})' },
  { name: 'str', signature: 'str(char *s [, int length])', description: 'Return string from x pointer', snippet: 'str(${1})' },
  { name: 'buf', signature: 'buf(void *d [, int length])', description: 'Return a hex-formatted string of the data pointed to by d', snippet: 'buf(${1})' },
  { name: 'ksym', signature: 'ksym(void *p)', description: 'Resolve kernel address to symbol', snippet: 'ksym(${1})' },
  { name: 'usym', signature: 'usym(void *p)', description: 'Resolve user-space address to symbol', snippet: 'usym(${1})' },
  { name: 'kaddr', signature: 'kaddr(char *name)', description: 'Resolve kernel symbol name to address', snippet: 'kaddr("${1}")' },
  { name: 'uaddr', signature: 'uaddr(char *name)', description: 'Resolve user-level symbol name to address', snippet: 'uaddr("${1}")' },
  { name: 'ntop', signature: 'ntop([int af,] int|char[4:16] addr)', description: 'Convert IP address data to text', snippet: 'ntop(${1})' },
  { name: 'pton', signature: 'pton(const string *addr)', description: 'Convert a text IP address to a byte array', snippet: 'pton("${1}")' },
  { name: 'reg', signature: 'reg(char *name)', description: 'Return register value', snippet: 'reg("${1:ip}")' },
  { name: 'system', signature: 'system(char *fmt, ...)', description: 'Run shell command (needs --unsafe)', snippet: 'system("${1}")' },
  { name: 'cat', signature: 'cat(char *filename)', description: 'Print file content', snippet: 'cat("${1}")' },
  { name: 'exit', signature: 'exit([int code])', description: 'Quit bpftrace', snippet: 'exit()' },
  { name: 'signal', signature: 'signal(char *sig | int sig)', description: 'Send a signal to the current task (needs --unsafe)', snippet: 'signal("${1:SIGKILL}")' },
  { name: 'override', signature: 'override(u64 rc)', description: 'Override the return value of a kprobe\'d function (needs --unsafe)', snippet: 'override(${1})' },
  { name: 'strncmp', signature: 'strncmp(char *s1, char *s2, int length)', description: 'Compare two strings up to length characters', snippet: 'strncmp(${1}, ${2}, ${3})' },
  { name: 'strcontains', signature: 'strcontains(char *haystack, char *needle)', description: 'Whether needle occurs in haystack', since: '0.19', snippet: 'strcontains(${1}, "${2}")' },
  { name: 'sizeof', signature: 'sizeof(TYPE | EXPRESSION)', description: 'Size of a type or expression in bytes', snippet: 'sizeof(${1})' },
  { name: 'offsetof', signature: 'offsetof(STRUCT, FIELD)', description: 'Offset of a field in a struct', since: '0.20', snippet: 'offsetof(${1}, ${2})' },
  { name: 'strftime', signature: 'strftime(char *fmt, int nsecs)', description: 'Return a formatted timestamp', snippet: 'strftime("${1:%H:%M:%S}", nsecs)' },
  { name: 'path', signature: 'path(struct path *path [, int size])', description: 'Return the full path of a struct path (kfunc only)', snippet: 'path(${1})' },
  { name: 'macaddr', signature: 'macaddr(char[6] addr)', description: 'Convert MAC address data to text', snippet: 'macaddr(${1})' },
  { name: 'cgroupid', signature: 'cgroupid(char *path)', description: 'Resolve a cgroup path to its ID', snippet: 'cgroupid("${1:/sys/fs/cgroup/}")' },
  { name: 'cgroup_path', signature: 'cgroup_path(int cgroupid [, string filter])', description: 'Convert a cgroup ID to its path', snippet: 'cgroup_path(${1:cgroup})' },
  { name: 'kptr', signature: 'kptr(void *p)', description: 'Annotate p as a kernel-space pointer', snippet: 'kptr(${1})' },
  { name: 'uptr', signature: 'uptr(void *p)', description: 'Annotate p as a user-space pointer', snippet: 'uptr(${1})' },
  { name: 'kstack', signature: 'kstack([StackMode mode,] [int limit])', description: 'Kernel stack trace (mode: bpftrace, perf, raw)', snippet: 'kstack(${1:perf})' },
  { name: 'ustack', signature: 'ustack([StackMode mode,] [int limit])', description: 'User-level stack trace', snippet: 'ustack(${1:perf})' },
  { name: 'bswap', signature: 'bswap(uint[8|16|32|64] n)', description: 'Reverse the byte order', snippet: 'bswap(${1})' },
  { name: 'len', signature: 'len(ustack | kstack | @map)', description: 'Number of frames of a stack, or of elements of a map', snippet: 'len(${1})' },
  { name: 'has_key', signature: 'has_key(@map, key)', description: 'Whether the map has the key', since: '0.21', snippet: 'has_key(${1:@x}, ${2})' },
  { name: 'count', signature: 'count()', description: 'Count events', snippet: 'count()' },
  { name: 'sum', signature: 'sum(int x)', description: 'Sum the value', snippet: 'sum(${1})' },
  { name: 'avg', signature: 'avg(int x)', description: 'Average the value', snippet: 'avg(${1})' },
  { name: 'min', signature: 'min(int x)', description: 'Record the minimum value seen', snippet: 'min(${1})' },
  { name: 'max', signature: 'max(int x)', description: 'Record the maximum value seen', snippet: 'max(${1})' },
  { name: 'stats', signature: 'stats(int x)', description: 'Return the count, average, and total for this value', snippet: 'stats(${1})' },
  { name: 'hist', signature: 'hist(int x)', description: 'Power-of-2 histogram for x', snippet: 'hist(${1})' },
  { name: 'lhist', signature: 'lhist(int x, int min, int max, int step)', description: 'Linear histogram for x', snippet: 'lhist(${1:x}, ${2:0}, ${3:100}, ${4:10})' },
  { name: 'tseries', signature: 'tseries(int x, duration interval, int n)', description: 'Time series of x (buckets of interval)', since: '0.24', snippet: 'tseries(${1}, ${2:1s}, ${3:10})' },
  { name: 'delete', signature: 'delete(@x[key])', description: 'Delete the map element', snippet: 'delete(${1:@x[key]})' },
  { name: 'clear', signature: 'clear(@x)', description: 'Delete all keys from the map', snippet: 'clear(${1:@x})' },
  { name: 'zero', signature: 'zero(@x)', description: 'Set all map values to zero', snippet: 'zero(${1:@x})' },
  { name: 'unwatch', signature: 'unwatch(void *addr)', description: 'Delete a watchpoint', snippet: 'unwatch(${1})' },
  { name: 'skboutput', signature: 'skboutput(char *path, struct sk_buff *skb, u64 length, u64 offset)', description: 'Write an skb\'s data to a pcap file', snippet: 'skboutput("${1:out.pcap}", ${2:skb}, ${3:len}, ${4:0})' },
  { name: 'percpu_kaddr', signature: 'percpu_kaddr(char *name [, int cpu])', description: 'Address of a per-CPU kernel variable', since: '0.22', snippet: 'percpu_kaddr("${1}")' },
  { name: 'errorf', signature: 'errorf(char *fmt, ...)', description: 'Print a formatted error', since: '0.24', snippet: 'errorf("${1}")' },
  { name: 'warnf', signature: 'warnf(char *fmt, ...)', description: 'Print a formatted warning', since: '0.24', snippet: 'warnf("${1}")' },
  { name: 'debugf', signature: 'debugf(char *fmt, ...)', description: 'Print to the kernel trace pipe (bpf_trace_printk)', since: '0.21', snippet: 'debugf("${1}")' },
];

export const MAP_KINDS: RefEntry[] = [
  { name: '@name', signature: '@name = value', description: 'Global map: one value shared by every CPU and thread' },
  { name: '@name[key]', signature: '@name[key] = value', description: 'Hash map: one value per key (keys may be tuples: @x[comm, pid])' },
  { name: '@name[tid]', signature: '@name[tid] = value', description: 'Thread-local: a hash keyed by thread ID (delete it when done)' },
  { name: '$name', signature: '$name = value', description: 'Scratch variable: local to one probe action' },
];

/** Probe types' signatures and descriptions: the one table in common/bpftrace. */
export { PROBE_TYPE_HELP } from '../../../common/bpftrace/probe-types.js';

/** bpftrace's short aliases for probe types (the contract's table). */
export const PROBE_ALIASES = PROBE_TYPE_ALIASES;

const builtinByName = new Map(BUILTINS.map((b) => [b.name, b]));
const functionByName = new Map(FUNCTIONS.map((f) => [f.name, f]));

/**
 * What a word means in an action block. `asCall` when a `(` follows: functions first
 * (kstack/ustack are both). argN, sargN and $N resolve to their family's entry.
 */
export function lookupWord(word: string, asCall = false): (RefEntry & { kind: 'builtin' | 'function' }) | null {
  const fn = functionByName.get(word);
  const bi =
    builtinByName.get(word) ??
    (/^arg\d+$/.test(word) ? builtinByName.get('arg0') : undefined) ??
    (/^sarg\d+$/.test(word) ? builtinByName.get('sarg0') : undefined) ??
    (/^\$(\d+|#)$/.test(word) ? builtinByName.get('$1') : undefined);
  if (asCall && fn) return { ...fn, kind: 'function' };
  if (bi) return { ...bi, kind: 'builtin' };
  if (fn) return { ...fn, kind: 'function' };
  return null;
}

/** Expand a probe type alias (`t:` → `tracepoint:`); other specs are returned as they are. */
export function expandAlias(spec: string): string {
  const i = spec.indexOf(':');
  if (i < 0) return spec;
  const full = PROBE_ALIASES[spec.slice(0, i)];
  return full ? full + spec.slice(i) : spec;
}

/** `v0.17.0`, `bpftrace v0.21.2-1`, `0.24.1` → [0, 17, 0]; null when there is no version. */
export function parseVersion(text: string | null | undefined): [number, number, number] | null {
  if (!text) return null;
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function versionAtLeast(text: string | null | undefined, major: number, minor: number): boolean {
  const v = parseVersion(text);
  if (!v) return false;
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

/** Markdown for a hover or a completion's documentation. */
export function entryMarkdown(e: RefEntry, kind: 'builtin' | 'function' | 'map'): string {
  const label = kind === 'function' ? 'function' : kind === 'builtin' ? 'builtin' : 'variable';
  const since = e.since ? ` — since bpftrace ${e.since}` : '';
  return `\`\`\`bpftrace\n${e.signature}\n\`\`\`\n${e.description} *(${label}${since})*`;
}
