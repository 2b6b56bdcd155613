// Dev-only: canned answers for the catalog methods of the contract (listProbes, probeTree,
// describeProbe, describeStruct, measureRate, diagnose), built from this machine's tracefs
// and kallsyms where readable, so the probe browser shows realistic names and counts.
// It mimics the real host's shapes, not its ranking or its evidence gathering.
import { readFileSync } from 'node:fs';

const TRACEFS = '/sys/kernel/tracing';
const NO_KPROBES =
  'the kernel was built without CONFIG_KPROBES (no kprobe_events in tracefs)';
const KPROBE_ALT = 'Use tracepoints instead (e.g. kretprobe:vfs_read → tracepoint:syscalls:sys_exit_read)';

function readLines(path) {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

// ---------- the probe list ----------
const FALLBACK_EVENTS = [
  'syscalls:sys_enter_openat', 'syscalls:sys_exit_openat', 'syscalls:sys_enter_read', 'syscalls:sys_exit_read',
  'syscalls:sys_enter_write', 'syscalls:sys_exit_write', 'syscalls:sys_enter_execve', 'raw_syscalls:sys_enter',
  'raw_syscalls:sys_exit', 'sched:sched_switch', 'sched:sched_wakeup', 'sched:sched_process_exec',
  'sched:sched_process_exit', 'block:block_rq_issue', 'block:block_rq_complete', 'tcp:tcp_retransmit_skb',
];
let events = readLines(`${TRACEFS}/available_events`);
if (events.length === 0) events = FALLBACK_EVENTS;
const kfuncNames = [
  ...new Set(
    readLines('/proc/kallsyms')
      .map((l) => l.split(/\s+/))
      .filter((f) => f[1] === 'T' && !f[2].includes('.') && !f[3])
      .map((f) => f[2]),
  ),
].sort();
if (kfuncNames.length === 0) kfuncNames.push('vfs_read', 'vfs_write', 'do_sys_openat2', 'tcp_sendmsg', 'tcp_v4_connect');

const SOFTWARE = ['cpu-clock', 'task-clock', 'page-faults', 'context-switches', 'cpu-migrations', 'minor-faults', 'major-faults', 'alignment-faults', 'emulation-faults', 'dummy', 'bpf-output'];
const HARDWARE = ['cpu-cycles', 'instructions', 'cache-references', 'cache-misses', 'branch-instructions', 'branch-misses', 'bus-cycles', 'frontend-stalls', 'backend-stalls', 'ref-cycles'];
const UPROBES = {
  '/bin/bash': ['readline', 'execute_command', 'shell_execve', 'find_variable', 'parse_and_execute', 'history_expand', 'add_history', 'initialize_shell_variables'],
  '/usr/lib/x86_64-linux-gnu/libc.so.6': ['malloc', 'free', 'calloc', 'realloc', 'open', 'read', 'write', 'close', 'fopen', 'fclose', 'getaddrinfo', 'connect', 'strlen', 'memcpy', 'pthread_create', 'pthread_mutex_lock'],
};
const USDT = {
  '/usr/lib/x86_64-linux-gnu/libc.so.6': ['libc:setjmp', 'libc:longjmp', 'libc:memory_mallopt', 'libc:memory_sbrk_more', 'libc:memory_arena_new', 'libc:lll_lock_wait_private'],
  '/usr/bin/node': ['node:gc__start', 'node:gc__done', 'node:http__server__request', 'node:http__server__response', 'node:net__server__connection'],
};

/** name, type, group, available */
const ALL = [];
for (const e of events) {
  const [sys, ev] = e.split(':');
  ALL.push({ name: `tracepoint:${sys}:${ev}`, type: 'tracepoint', group: sys, available: true });
}
for (const f of kfuncNames) ALL.push({ name: `kprobe:${f}`, type: 'kprobe', group: 'vmlinux', available: false });
for (const f of kfuncNames) ALL.push({ name: `kretprobe:${f}`, type: 'kretprobe', group: 'vmlinux', available: false });
for (const f of kfuncNames) ALL.push({ name: `kfunc:${f}`, type: 'kfunc', group: 'vmlinux', available: false });
for (const [bin, fns] of Object.entries(UPROBES)) {
  for (const f of fns) ALL.push({ name: `uprobe:${bin}:${f}`, type: 'uprobe', group: bin, available: true });
  for (const f of fns) ALL.push({ name: `uretprobe:${bin}:${f}`, type: 'uretprobe', group: bin, available: true });
}
for (const [bin, ps] of Object.entries(USDT)) for (const p of ps) ALL.push({ name: `usdt:${bin}:${p}`, type: 'usdt', group: bin, available: true });
for (const s of SOFTWARE) ALL.push({ name: `software:${s}:`, type: 'software', group: 'software', available: true });
for (const h of HARDWARE) ALL.push({ name: `hardware:${h}:`, type: 'hardware', group: 'hardware', available: false });
for (const p of ['profile:hz:99', 'profile:hz:49', 'profile:ms:10', 'profile:us:100', 'profile:s:1']) ALL.push({ name: p, type: 'profile', group: 'profile', available: true });
for (const p of ['interval:s:1', 'interval:ms:100', 'interval:ms:500', 'interval:s:10']) ALL.push({ name: p, type: 'interval', group: 'interval', available: true });
ALL.push({ name: 'BEGIN', type: 'BEGIN', group: 'special', available: true });
ALL.push({ name: 'END', type: 'END', group: 'special', available: true });

const TYPE_INFO = {
  tracepoint: { available: true, reason: `${events.length} static kernel tracepoints in ${TRACEFS}/events`, alternative: null },
  kprobe: { available: false, reason: NO_KPROBES, alternative: KPROBE_ALT },
  kretprobe: { available: false, reason: NO_KPROBES, alternative: KPROBE_ALT },
  kfunc: {
    available: false,
    reason: 'bpftrace 0.17 refuses kfunc: on this kernel (BTF is present, but fentry attach is not supported by this bpftrace build)',
    alternative: 'Use tracepoints instead (e.g. kfunc:vfs_read → tracepoint:syscalls:sys_enter_read)',
  },
  uprobe: { available: true, reason: 'user-level functions from ELF symbol tables (pass a binary or PID)', alternative: null },
  uretprobe: { available: true, reason: 'user-level function returns from ELF symbol tables', alternative: null },
  usdt: { available: true, reason: 'USDT notes (.note.stapsdt) of binaries and libraries', alternative: null },
  software: { available: true, reason: 'perf software events', alternative: null },
  hardware: {
    available: false,
    reason: 'no hardware PMU: this is a virtual machine (perf_event_open(PERF_TYPE_HARDWARE) fails with ENOENT)',
    alternative: 'Use software:cpu-clock: or profile:hz:99 for sampling',
  },
  profile: { available: true, reason: 'timed sampling on every CPU', alternative: null },
  interval: { available: true, reason: 'timed output on one CPU', alternative: null },
  BEGIN: { available: true, reason: 'runs once when the script starts', alternative: null },
  END: { available: true, reason: 'runs once when the script ends', alternative: null },
};

// ---------- matching ----------
function globToRegex(glob) {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '(.*?)';
    else if (ch === '?') re += '(.)';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

/** Positions of the literal characters of a glob in a matched name. */
function globMatches(glob, name) {
  // Walk pattern and name together, greedy-lazy via the regex's groups.
  const m = globToRegex(glob).exec(name);
  if (!m) return null;
  const out = [];
  let pos = 0;
  let g = 1;
  for (const ch of glob) {
    if (ch === '*' || ch === '?') {
      pos += m[g++].length;
    } else {
      out.push(pos++);
    }
  }
  return out;
}

/** Every word as a substring (score 0) or subsequence (score 1); positions matched. */
function fuzzyMatch(words, name) {
  const lower = name.toLowerCase();
  const out = [];
  let score = 0;
  for (const w of words) {
    const i = lower.indexOf(w);
    if (i >= 0) {
      for (let k = 0; k < w.length; k++) out.push(i + k);
      continue;
    }
    let p = 0;
    for (const ch of w) {
      const j = lower.indexOf(ch, p);
      if (j < 0) return null;
      out.push(j);
      p = j + 1;
    }
    score += 1 + (p - out[out.length - w.length] - w.length) / 10;
  }
  return { matches: [...new Set(out)].sort((a, b) => a - b), score };
}

function levenshtein(a, b) {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

function suggestFor(query) {
  const last = query.replace(/[*?]/g, '').split(':').pop().toLowerCase();
  if (!last) return [];
  const seen = new Map();
  for (const p of ALL) {
    if (!p.available) continue;
    const tail = p.name.split(':').filter(Boolean).pop().toLowerCase();
    const d = levenshtein(last, tail.slice(0, last.length + 2));
    if (d <= Math.max(2, Math.floor(last.length / 3))) {
      const prev = seen.get(p.name);
      if (prev === undefined || d < prev) seen.set(p.name, d);
    }
  }
  return [...seen.entries()].sort((a, b) => a[1] - b[1] || a[0].length - b[0].length).slice(0, 5).map((e) => e[0]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function listProbes(params) {
  const t0 = performance.now();
  const query = (params.query ?? '').trim();
  const limit = params.limit ?? 500;
  const offset = params.offset ?? 0;
  let pool = ALL;
  if (params.types?.length) pool = pool.filter((p) => params.types.includes(p.type));
  if (params.group !== undefined) pool = pool.filter((p) => p.group === params.group);
  if (params.binary) pool = pool.filter((p) => p.group === params.binary);
  let mode = 'all';
  let hits;
  if (!query) {
    hits = pool.map((p) => ({ p, score: 0, matches: undefined }));
  } else if (/[*?:]/.test(query)) {
    mode = 'glob';
    const pattern = query.includes(':') ? query : `*${query}*`;
    const re = globToRegex(pattern);
    hits = [];
    for (const p of pool) {
      if (!re.test(p.name)) continue;
      hits.push({ p, score: 0, matches: globMatches(pattern, p.name) ?? [] });
    }
    hits.sort((a, b) => Number(b.p.available) - Number(a.p.available) || (a.p.name < b.p.name ? -1 : a.p.name > b.p.name ? 1 : 0));
  } else {
    mode = 'fuzzy';
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    hits = [];
    for (const p of pool) {
      const m = fuzzyMatch(words, p.name);
      if (m) hits.push({ p, score: m.score, matches: m.matches });
    }
    hits.sort(
      (a, b) =>
        a.score - b.score ||
        Number(b.p.available) - Number(a.p.available) ||
        a.p.name.length - b.p.name.length ||
        a.p.name.localeCompare(b.p.name),
    );
  }
  const page = hits.slice(offset, offset + limit).map(({ p, matches }) => (matches ? { ...p, matches } : { ...p }));
  const notes = [];
  if (hits.some((h) => h.p.type === 'kprobe')) notes.push('kprobe/kfunc names come from /proc/kallsyms: the kernel has them, but cannot attach to them here.');
  return {
    mode,
    total: hits.length,
    probes: page,
    suggestions: hits.length === 0 ? suggestFor(query) : [],
    notes,
    tookMs: Math.round((performance.now() - t0) * 10) / 10,
  };
}

let treeCache = null;
export function probeTree() {
  treeCache ??= buildTree();
  return treeCache;
}

function buildTree() {
  const types = [];
  for (const [type, info] of Object.entries(TYPE_INFO)) {
    const probes = ALL.filter((p) => p.type === type);
    const groups = new Map();
    for (const p of probes) groups.set(p.group, (groups.get(p.group) ?? 0) + 1);
    const flat = ['software', 'hardware', 'profile', 'interval', 'BEGIN', 'END'].includes(type);
    types.push({
      type,
      count: probes.length,
      available: info.available,
      reason: info.reason,
      alternative: info.alternative,
      groups: flat ? [] : [...groups].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name)),
    });
  }
  return { types, notes: ['fake host: names from this machine\'s tracefs and /proc/kallsyms'] };
}

const PROTOTYPES = {
  vfs_read: ['ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)', [['file', 'struct file *'], ['buf', 'char *'], ['count', 'size_t'], ['pos', 'loff_t *']]],
  vfs_write: ['ssize_t vfs_write(struct file *file, const char *buf, size_t count, loff_t *pos)', [['file', 'struct file *'], ['buf', 'const char *'], ['count', 'size_t'], ['pos', 'loff_t *']]],
  tcp_sendmsg: ['int tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)', [['sk', 'struct sock *'], ['msg', 'struct msghdr *'], ['size', 'size_t']]],
};

function tracepointFields(group, event) {
  const lines = readLines(`${TRACEFS}/events/${group}/${event}/format`);
  const args = [];
  for (const l of lines) {
    const m = /field:(.*?);\s*offset:(\d+);\s*size:(\d+);/.exec(l);
    if (!m) continue;
    const decl = m[1].trim();
    const nm = /^(.*?)([A-Za-z_]\w*)(\[[^\]]*\])?$/.exec(decl);
    if (!nm) continue;
    const name = nm[2];
    if (name.startsWith('common_')) continue;
    args.push({ name, type: (nm[1].trim() + (nm[3] ?? '')).replace(/\s+\*/g, ' *'), offset: Number(m[2]), size: Number(m[3]) });
  }
  if (args.length === 0 && group === 'syscalls' && event === 'sys_enter_openat') {
    return [
      { name: '__syscall_nr', type: 'int', offset: 8, size: 4 },
      { name: 'dfd', type: 'int', offset: 16, size: 8 },
      { name: 'filename', type: 'const char *', offset: 24, size: 8 },
      { name: 'flags', type: 'int', offset: 32, size: 8 },
      { name: 'mode', type: 'umode_t', offset: 40, size: 8 },
    ];
  }
  return args;
}

const ALIASES = { t: 'tracepoint', k: 'kprobe', kr: 'kretprobe', u: 'uprobe', ur: 'uretprobe', U: 'usdt', s: 'software', h: 'hardware', p: 'profile', i: 'interval', f: 'kfunc', fr: 'kretfunc', fentry: 'kfunc', fexit: 'kretfunc' };

export function describeProbe({ name }) {
  const parts = name.split(':');
  if (ALIASES[parts[0]]) parts[0] = ALIASES[parts[0]];
  const full = parts.join(':');
  const found =
    ALL.find((p) => p.name === full) ??
    (parts[0] === 'software' || parts[0] === 'hardware' ? ALL.find((p) => p.name.startsWith(`${parts[0]}:${parts[1]}:`)) : undefined) ??
    (parts[0] === 'profile' || parts[0] === 'interval' ? { name: full, type: parts[0], group: parts[0], available: true } : undefined);
  if (!found) throw new Error(`no probe named '${name}' on this machine`);
  const info = TYPE_INFO[found.type] ?? { available: true, reason: null, alternative: null };
  const d = {
    name: found.name,
    type: found.type,
    group: found.group,
    available: found.available,
    reason: found.available ? null : info.reason,
    alternative: found.available ? null : info.alternative,
    args: [],
    prototype: null,
    help: null,
    oneLiner: `bpftrace -e '${found.name} { @[comm] = count(); }'`,
    templates: [],
  };
  const count = { title: 'Count by process', source: `${found.name}\n{\n    @[comm] = count();\n}\n` };
  if (found.type === 'tracepoint') {
    const [, group, event] = found.name.split(':');
    d.args = tracepointFields(group, event);
    d.help = `Kernel tracepoint ${group}:${event}: a stable event compiled into the kernel. Its fields are read as args->NAME (args.NAME from bpftrace 0.21).`;
    const str = d.args.find((a) => /char \*$/.test(a.type));
    const num = d.args.find((a) => a.name !== '__syscall_nr' && /^(int|long|unsigned|u\d+|s\d+|size_t|ssize_t|pid_t)/.test(a.type));
    if (str) {
      d.oneLiner = `bpftrace -e '${found.name} { printf("%s %s\\n", comm, str(args->${str.name})); }'`;
      d.templates.push({ title: `Print ${str.name} per event`, source: `${found.name}\n{\n    printf("%-16s %-6d %s\\n", comm, pid, str(args->${str.name}));\n}\n` });
    }
    d.templates.push(count);
    if (num) d.templates.push({ title: `Histogram of ${num.name}`, source: `${found.name}\n{\n    @${num.name} = hist(args->${num.name});\n}\n` });
  } else if (found.type === 'kprobe' || found.type === 'kretprobe' || found.type === 'kfunc') {
    const fn = found.name.split(':').pop();
    const proto = PROTOTYPES[fn];
    if (proto) {
      d.prototype = proto[0];
      d.args = found.type === 'kretprobe' ? [{ name: 'retval', type: proto[0].split(' ')[0] }] : proto[1].map(([n, t], i) => ({ name: found.type === 'kfunc' ? n : `arg${i}`, type: t }));
    }
    d.help = found.type === 'kfunc'
      ? 'Kernel function entry via BPF trampolines (fentry), with typed arguments from BTF (args->NAME).'
      : found.type === 'kprobe'
        ? 'Dynamic instrumentation of a kernel function entry; arguments are arg0..argN.'
        : 'Dynamic instrumentation of a kernel function return; the return value is retval.';
    d.templates.push(count);
  } else if (found.type === 'profile') {
    d.help = 'profile:hz:N samples every CPU N times per second (also profile:s:N, profile:ms:N, profile:us:N). Use an odd rate such as 99 to avoid lockstep with timers.';
    d.oneLiner = `bpftrace -e '${found.name} { @[kstack] = count(); }'`;
    d.templates.push({ title: 'Kernel stacks (flame graph)', source: `${found.name}\n{\n    @[kstack] = count();\n}\n` }, { title: 'On-CPU processes', source: `${found.name}\n{\n    @[comm] = count();\n}\n` });
  } else if (found.type === 'interval') {
    d.help = 'interval:s:N fires on one CPU every N seconds (also ms, us): use it to print and clear maps periodically.';
    d.oneLiner = `bpftrace -e '${found.name} { printf("tick\\n"); }'`;
    d.templates.push({ title: 'Print per interval', source: `tracepoint:raw_syscalls:sys_enter\n{\n    @syscalls = count();\n}\n\n${found.name}\n{\n    print(@syscalls);\n    clear(@syscalls);\n}\n` });
  } else if (found.type === 'software' || found.type === 'hardware') {
    d.help = `${found.type}:EVENT:COUNT fires every COUNT events (default sample period when omitted).`;
    d.oneLiner = `bpftrace -e '${found.name}100 { @[comm] = count(); }'`;
    d.templates.push(count);
  } else if (found.type === 'BEGIN' || found.type === 'END') {
    d.help = found.type === 'BEGIN' ? 'Runs once, before any other probe fires.' : 'Runs once, when the script exits (Ctrl+C or exit()).';
    d.oneLiner = `bpftrace -e '${found.name} { printf("hello world\\n"); }'`;
    d.templates.push({ title: 'Hello world', source: 'BEGIN\n{\n    printf("hello world\\n");\n    exit();\n}\n' });
  } else {
    d.templates.push(count);
  }
  return d;
}

export function describeStruct({ name }) {
  if (name.replace(/^struct\s+/, '') !== 'task_struct') throw new Error(`no struct ${name} in BTF`);
  return {
    name: 'task_struct',
    size: 9792,
    members: [
      { name: '__state', type: 'unsigned int', offset: 24, size: 4 },
      { name: 'pid', type: 'pid_t', offset: 2456, size: 4 },
      { name: 'tgid', type: 'pid_t', offset: 2460, size: 4 },
      { name: 'comm', type: 'char[16]', offset: 3016, size: 16 },
    ],
  };
}

export async function measureRate({ probe, seconds }) {
  const s = seconds ?? 5;
  const d = describeProbe({ name: probe });
  if (!d.available) throw new Error(`cannot attach to ${probe}: ${d.reason}`);
  await sleep(s * 1000);
  let h = 0;
  for (const ch of probe) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const perSecond = /raw_syscalls|sched_switch|cpu-clock/.test(probe) ? 12000 + (h % 9000) : /profile:hz:(\d+)/.test(probe) ? Number(/hz:(\d+)/.exec(probe)[1]) * 4 : 3 + (h % 900);
  return { probe, events: perSecond * s, seconds: s, perSecond };
}

const KNOWN_FUNCS = new Set(['printf', 'time', 'join', 'str', 'buf', 'ksym', 'usym', 'kaddr', 'uaddr', 'reg', 'system', 'exit', 'cgroupid', 'ntop', 'pton', 'kstack', 'ustack', 'cat', 'signal', 'override', 'strncmp', 'strcontains', 'sizeof', 'offsetof', 'print', 'clear', 'zero', 'delete', 'has_key', 'len', 'count', 'sum', 'avg', 'min', 'max', 'stats', 'hist', 'lhist', 'strftime', 'path', 'macaddr', 'cgroup_path', 'bswap', 'kptr', 'uptr', 'if', 'while', 'unroll', 'for', 'return']);

/** A few of bpftrace's checks, with kscope's hints; line/column 1-based. */
export async function diagnose({ source }) {
  const t0 = performance.now();
  await sleep(60 + Math.random() * 60);
  const diagnostics = [];
  const lines = source.split('\n');
  lines.forEach((text, i) => {
    const line = i + 1;
    const code = text.replace(/\/\/.*$/, '').replace(/"(?:[^"\\]|\\.)*"/g, (s) => ' '.repeat(s.length));
    const k = /^\s*(k(?:ret)?probe|kr?|kfunc|kretfunc|f|fr):([\w*.]+)/.exec(code);
    if (k) {
      const col = code.indexOf(k[0].trim()) + 1;
      const isFunc = /f/.test(k[1]);
      diagnostics.push({
        severity: 'error',
        message: `${k[0].trim()}: ${isFunc ? TYPE_INFO.kfunc.reason : `kprobes are not supported: ${NO_KPROBES}`}`,
        line,
        column: col,
        endColumn: col + k[0].trim().length,
        hint: isFunc ? TYPE_INFO.kfunc.alternative : KPROBE_ALT,
      });
    }
    const h = /^\s*(hardware|h):[\w-]+/.exec(code);
    if (h) {
      const col = code.indexOf(h[0].trim()) + 1;
      diagnostics.push({ severity: 'error', message: `${h[0].trim()}: ${TYPE_INFO.hardware.reason}`, line, column: col, endColumn: col + h[0].trim().length, hint: TYPE_INFO.hardware.alternative });
    }
    const tp = /^\s*(?:tracepoint|t):(\w+):(\w+)\b/.exec(code);
    if (tp && !events.includes(`${tp[1]}:${tp[2]}`)) {
      const col = code.indexOf(tp[0].trim()) + 1;
      const sugg = suggestFor(`${tp[2]}`).filter((s) => s.startsWith('tracepoint:'));
      diagnostics.push({ severity: 'error', message: `tracepoint not found: ${tp[1]}:${tp[2]}`, line, column: col, endColumn: col + tp[0].trim().length, hint: sugg.length ? `Did you mean ${sugg[0]}?` : undefined });
    }
    for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const brace = code.indexOf('{');
      if (/^\s*[A-Za-z]+:/.test(code) && (brace < 0 || m.index < brace)) continue;
      if (KNOWN_FUNCS.has(m[1])) continue;
      diagnostics.push({ severity: 'error', message: `Unknown function: ${m[1]}`, line, column: m.index + 1, endColumn: m.index + 1 + m[1].length });
    }
    const se = code.indexOf('syntax_error');
    if (se >= 0) diagnostics.push({ severity: 'error', message: 'syntax error, unexpected identifier', line, column: se + 1, endColumn: se + 13 });
    for (const m of code.matchAll(/\$([A-Za-z_]\w*)/g)) {
      if (!new RegExp(`\\$${m[1]}\\s*=[^=]`).test(source)) {
        diagnostics.push({ severity: 'warning', message: `Variable used before it was assigned: $${m[1]}`, line, column: m.index + 1, endColumn: m.index + 2 + m[1].length });
      }
    }
  });
  let depth = 0;
  for (const ch of source.replace(/"(?:[^"\\]|\\.)*"/g, '').replace(/\/\/.*$/gm, '')) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
  if (depth > 0) diagnostics.push({ severity: 'error', message: "syntax error, unexpected end of file, expecting '}'", line: lines.length, column: 1 });
  return { diagnostics, tookMs: Math.round(performance.now() - t0) };
}
