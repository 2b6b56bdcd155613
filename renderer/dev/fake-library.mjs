// Dev-only: the recordings library of the fake host (fake-host.mjs), with believable
// recordings — a syscall count, a read-size histogram, two CPU profiles (before / after a
// fix), an interrupted run, a printf log, an import — answering the contract's library
// methods (recordings, renameRecording, deleteRecording, openRecording, recordingAt,
// exportRecording, importText, diffRecordings). Everything is computed, nothing is read.

const DIR = '/root/.local/share/kscope/recordings';
const CAP = 1024 ** 3;
const COMMS = ['bash', 'sshd', 'node', 'systemd', 'chromium', 'kworker/0:1', 'containerd', 'Xorg', 'pipewire', 'dbus-daemon'];
const now = Date.now();
const ago = (min) => new Date(now - min * 60_000).toISOString();
const seconds = (n, every = 1000) => Array.from({ length: n }, (_, i) => (i + 1) * every);

// CPU profiles as folded stacks (root first), before and after "the fix": the after run
// spends far less in ext4 reads (a cache was added) and a bit more in tcp_sendmsg.
const PROFILE_BEFORE = [
  ['node;entry_SYSCALL_64;do_syscall_64;ksys_read;vfs_read;ext4_file_read_iter;filemap_read;copy_page_to_iter', 420],
  ['node;entry_SYSCALL_64;do_syscall_64;ksys_read;vfs_read;ext4_file_read_iter;filemap_read;filemap_get_pages', 260],
  ['node;entry_SYSCALL_64;do_syscall_64;__x64_sys_sendto;__sys_sendto;tcp_sendmsg;tcp_sendmsg_locked;tcp_push', 180],
  ['node;entry_SYSCALL_64;do_syscall_64;__x64_sys_epoll_wait;do_epoll_wait;ep_poll;schedule', 90],
  ['node;asm_exc_page_fault;exc_page_fault;do_user_addr_fault;handle_mm_fault', 70],
  ['swapper/0;secondary_startup_64;cpu_startup_entry;do_idle;default_idle_call;default_idle', 510],
  ['swapper/1;secondary_startup_64;cpu_startup_entry;do_idle;default_idle_call;default_idle', 470],
  ['kworker/0:1;ret_from_fork;kthread;worker_thread;process_one_work;ext4_end_io_rsv_work', 60],
  ['sshd;entry_SYSCALL_64;do_syscall_64;ksys_write;vfs_write;tty_write;n_tty_write', 40],
  ['bash;entry_SYSCALL_64;do_syscall_64;__x64_sys_execve;do_execveat_common;bprm_execve;load_elf_binary', 35],
];
const PROFILE_AFTER = [
  ['node;entry_SYSCALL_64;do_syscall_64;ksys_read;vfs_read;ext4_file_read_iter;filemap_read;copy_page_to_iter', 95],
  ['node;entry_SYSCALL_64;do_syscall_64;ksys_read;vfs_read;ext4_file_read_iter;filemap_read;filemap_get_pages', 40],
  ['node;entry_SYSCALL_64;do_syscall_64;__x64_sys_sendto;__sys_sendto;tcp_sendmsg;tcp_sendmsg_locked;tcp_push', 310],
  ['node;entry_SYSCALL_64;do_syscall_64;__x64_sys_sendto;__sys_sendto;tcp_sendmsg;tcp_sendmsg_locked;sk_stream_alloc_skb', 85],
  ['node;entry_SYSCALL_64;do_syscall_64;__x64_sys_epoll_wait;do_epoll_wait;ep_poll;schedule', 150],
  ['node;asm_exc_page_fault;exc_page_fault;do_user_addr_fault;handle_mm_fault', 65],
  ['swapper/0;secondary_startup_64;cpu_startup_entry;do_idle;default_idle_call;default_idle', 640],
  ['swapper/1;secondary_startup_64;cpu_startup_entry;do_idle;default_idle_call;default_idle', 600],
  ['kworker/0:1;ret_from_fork;kthread;worker_thread;process_one_work;ext4_end_io_rsv_work', 25],
  ['sshd;entry_SYSCALL_64;do_syscall_64;ksys_write;vfs_write;tty_write;n_tty_write', 38],
  ['bash;entry_SYSCALL_64;do_syscall_64;__x64_sys_execve;do_execveat_common;bprm_execve;load_elf_binary', 30],
];

const SCRIPTS = {
  syscalls: '// Count syscalls per process name.\ntracepoint:raw_syscalls:sys_enter\n{\n    @[comm] = count();\n}\n',
  reads: 'tracepoint:syscalls:sys_exit_read /args->ret > 0/\n{\n    @bytes[comm] = hist(args->ret);\n}\n',
  profile: 'profile:hz:99\n{\n    @[kstack] = count();\n}\n',
  opens: 'tracepoint:syscalls:sys_enter_openat\n{\n    printf("%-16s %-6d %s\\n", comm, pid, str(args->filename));\n}\n',
  stats: 'tracepoint:syscalls:sys_exit_read /args->ret > 0/\n{\n    @sizes[comm] = stats(args->ret);\n    @total = count();\n}\n',
};

/** kind: what recordingAt computes; the rest is the summary. */
const store = new Map();
function add(r) {
  store.set(r.summary.id, r);
}
function base(id, name, script, over) {
  return {
    id,
    name,
    path: `${DIR}/${id}.ndjson`,
    script,
    startedAt: ago(60),
    durationMs: 10_000,
    events: 1000,
    printfLines: 0,
    lostEvents: 0,
    exit: { code: null, signal: 'SIGINT' },
    interrupted: false,
    running: false,
    problem: null,
    bytes: 40_000,
    maps: [],
    stackMaps: [],
    origin: 'run',
    example: null,
    ...over,
  };
}

add({ kind: 'profile', stacks: PROFILE_AFTER, frames: seconds(15), summary: base('2026-11-25T09-41-07-profile', 'CPU profile — after the page-cache fix', SCRIPTS.profile, { startedAt: ago(18), durationMs: 15_200, events: 15, bytes: 212_480, maps: ['@'], stackMaps: ['@'] }) });
add({ kind: 'syscalls', frames: seconds(30), scale: 1, summary: base('2026-11-25T09-30-12-syscalls', 'Syscalls by process', SCRIPTS.syscalls, { startedAt: ago(29), durationMs: 30_400, events: 30, bytes: 18_322, maps: ['@'], example: 'lesson-4' }) });
add({ kind: 'profile', stacks: PROFILE_BEFORE, frames: seconds(15), summary: base('2026-11-25T09-12-55-profile', 'CPU profile — before the fix', SCRIPTS.profile, { startedAt: ago(47), durationMs: 15_100, events: 15, bytes: 245_113, maps: ['@'], stackMaps: ['@'] }) });
add({ kind: 'reads', frames: seconds(20), summary: base('2026-11-25T08-50-03-reads', 'Distribution of read() bytes', SCRIPTS.reads, { startedAt: ago(70), durationMs: 20_300, events: 20, bytes: 64_520, maps: ['@bytes'], example: 'lesson-5' }) });
add({ kind: 'reads', shift: 2, frames: seconds(20), summary: base('2026-11-25T09-05-44-reads', 'read() bytes — larger buffers', SCRIPTS.reads, { startedAt: ago(55), durationMs: 20_100, events: 20, bytes: 61_204, maps: ['@bytes'], example: 'lesson-5' }) });
add({ kind: 'syscalls', frames: seconds(7), scale: 1.6, torn: true, summary: base('2026-11-25T08-31-40-syscalls', 'Syscalls by process', SCRIPTS.syscalls, { startedAt: ago(89), durationMs: 7_310, events: 7, bytes: 4_096, maps: ['@'], exit: null, interrupted: true, example: 'lesson-4' }) });
add({ kind: 'opens', frames: [], summary: base('2026-11-24T17-02-19-opens', 'Files opened', SCRIPTS.opens, { startedAt: ago(60 * 17), durationMs: 12_050, events: 4_812, printfLines: 4_800, lostEvents: 37, bytes: 402_330, exit: { code: 0, signal: null }, example: 'lesson-2' }) });
add({ kind: 'stats', frames: seconds(10, 2000), summary: base('2026-11-23T11-20-00-stats', 'Read sizes: stats per process', SCRIPTS.stats, { startedAt: ago(60 * 24 * 2), durationMs: 20_000, events: 120, bytes: 33_800, maps: ['@sizes', '@total'], exit: { code: 1, signal: null } }) });
add({ kind: 'syscalls', frames: [], scale: 1, summary: base('2026-11-21T10-00-00-future', '2026-11-21T10-00-00-future', '', { startedAt: ago(60 * 24 * 4), durationMs: 0, events: 0, bytes: 2_310, exit: null, problem: 'recording format 2 is newer than this kscope reads (format 1): update kscope to open it' }) });
add({ kind: 'profile', stacks: PROFILE_BEFORE.slice(0, 6).map(([s, w]) => [s, Math.round(w / 3)]), frames: [0], summary: base('imported-2026-11-22-folded', 'nginx-prod.folded', '', { startedAt: ago(60 * 24 * 3), durationMs: 0, events: 6, bytes: 1_804, maps: ['@'], stackMaps: ['@'], origin: 'folded', exit: null }) });

/** A flame tree from folded stacks (weights scaled by `f`), rooted at "all", children widest first. */
function treeOf(stacks, f) {
  const root = { n: 'all', v: 0, kids: new Map() };
  for (const [stack, w0] of stacks) {
    const w = Math.max(0, Math.round(w0 * f));
    if (!w) continue;
    root.v += w;
    let node = root;
    for (const name of stack.split(';')) {
      let next = node.kids.get(name);
      if (!next) node.kids.set(name, (next = { n: name, v: 0, kids: new Map() }));
      next.v += w;
      node = next;
    }
  }
  let count = 0;
  const out = (n) => {
    count++;
    const c = [...n.kids.values()].sort((a, b) => b.v - a.v).map(out);
    return c.length ? { n: n.n, v: n.v, c } : { n: n.n, v: n.v };
  };
  const tree = out(root);
  return { tree, nodes: count };
}

function histBuckets(scale, centre) {
  const buckets = [];
  for (let i = 0; i < 16; i++) {
    const lo = i === 0 ? 0 : 2 ** (i - 1);
    const hi = i === 0 ? 0 : 2 ** i - 1;
    const d = i - centre;
    buckets.push({ min: lo, max: hi, count: Math.max(0, Math.round(scale * 40 * Math.exp(-(d * d) / 5))) });
  }
  return buckets;
}

function statusAt(r, t) {
  const s = r.summary;
  const end = t >= (r.frames.at(-1) ?? s.durationMs);
  return {
    state: 'exited',
    startedAt: s.startedAt,
    elapsedMs: Math.min(t, s.durationMs),
    attachedProbes: s.origin === 'run' ? 1 : null,
    events: s.durationMs > 0 ? Math.round((s.events * Math.min(t, s.durationMs)) / s.durationMs) : s.events,
    printfLines: s.durationMs > 0 ? Math.round((s.printfLines * Math.min(t, s.durationMs)) / s.durationMs) : 0,
    lostEvents: end ? s.lostEvents : 0,
    exit: end ? s.exit : null,
  };
}

function at(r, t, printfLimit) {
  const s = r.summary;
  const frames = r.frames;
  const last = frames.filter((x) => x <= t).at(-1) ?? (frames.length ? null : t);
  const maps = [];
  const flames = [];
  const printf = [];
  let printfSkipped = 0;
  const f = last === null ? 0 : frames.length ? (frames.indexOf(last) + 1) / frames.length : 1;
  if (last !== null) {
    if (r.kind === 'syscalls') {
      const k = Math.min(COMMS.length, 3 + Math.floor(last / 3000));
      maps.push({ type: 'map', t: last, name: '@', snapshot: true, entries: COMMS.slice(0, k).map((c, i) => ({ key: c, value: Math.round(((last / 1000) * r.scale * 2400) / (i + 1) ** 1.1) })) });
    } else if (r.kind === 'reads') {
      maps.push({ type: 'hist', t: last, name: '@bytes', snapshot: true, entries: COMMS.slice(0, 4).map((c, i) => ({ key: c, buckets: histBuckets((last / 1000) * (4 - i), 5 + i * 2 + (r.shift ?? 0) + (last > 10_000 && i === 0 ? 3 : 0)) })) });
    } else if (r.kind === 'stats') {
      maps.push({ type: 'stats', t: last, name: '@sizes', snapshot: true, entries: COMMS.slice(0, 5).map((c, i) => { const count = Math.round((last / 100) * (5 - i)); const average = 300 + i * 900; return { key: c, value: { count, average, total: count * average } }; }) });
      maps.push({ type: 'map', t: last, name: '@total', snapshot: true, entries: [{ key: null, value: Math.round(last * 7.3) }] });
    } else if (r.kind === 'profile') {
      const { tree, nodes } = treeOf(r.stacks, f);
      flames.push({ name: '@', t: last, snapshot: true, total: tree.v, stacks: r.stacks.length, keyParts: ['kstack'], minFraction: 0.001, nodes, prunedNodes: 0, atKeyLimit: false, tree });
    }
  }
  if (r.kind === 'opens') {
    const n = Math.round((s.printfLines * Math.min(t, s.durationMs)) / s.durationMs);
    const from = Math.max(0, n - printfLimit);
    printfSkipped = from;
    const files = ['/etc/ld.so.cache', '/lib/x86_64-linux-gnu/libc.so.6', '/proc/self/status', '/usr/share/locale/locale.alias', '/etc/passwd', '/sys/fs/cgroup/cpu.max'];
    for (let i = from; i < n; i++) printf.push({ t: (i * s.durationMs) / s.printfLines, text: `${COMMS[i % 7].padEnd(16)} ${String(1000 + ((i * 7919) % 60000)).padEnd(6)} ${files[i % files.length]}` });
  }
  return { sessionId: `replay:${s.id}`, seq: Math.round(t), status: statusAt(r, t), flames, printf, printfSkipped, maps, values: [], errors: [], warnings: [] };
}

function need(id) {
  const r = store.get(id);
  if (!r) throw new Error(`no recording ${id} (deleted?)`);
  return r;
}

/** Export bodies by name, served by the fake host at GET /exports/<name>. */
export const exported = new Map();

const EXT = { folded: 'folded', speedscope: 'speedscope.json', pprof: 'pb.gz', 'chrome-trace': 'trace.json', csv: 'csv', svg: 'svg', json: 'ndjson' };
const MIME = { folded: 'text/plain', speedscope: 'application/json', pprof: 'application/octet-stream', 'chrome-trace': 'application/json', csv: 'text/csv', svg: 'image/svg+xml', json: 'application/x-ndjson' };

function mergeDiff(a, b) {
  const root = { n: 'all', a: 0, b: 0, kids: new Map() };
  const addAll = (stacks, side) => {
    for (const [stack, w] of stacks) {
      root[side] += w;
      let node = root;
      for (const name of stack.split(';')) {
        let next = node.kids.get(name);
        if (!next) node.kids.set(name, (next = { n: name, a: 0, b: 0, kids: new Map() }));
        next[side] += w;
        node = next;
      }
    }
  };
  addAll(a, 'a');
  addAll(b, 'b');
  const out = (n) => {
    const c = [...n.kids.values()].sort((x, y) => y.b + y.a - (x.b + x.a)).map(out);
    return c.length ? { n: n.n, a: n.a, b: n.b, c } : { n: n.n, a: n.a, b: n.b };
  };
  return out(root);
}

let imports = 0;
const summaries = () => [...store.values()].map((r) => r.summary).sort((x, y) => Date.parse(y.startedAt) - Date.parse(x.startedAt));

export const library = {
  recordings: ({ query } = {}) => {
    const q = (query ?? '').toLowerCase();
    const items = summaries().filter((s) => !q || `${s.name}\n${s.script}`.toLowerCase().includes(q));
    return { dir: DIR, totalBytes: summaries().reduce((n, s) => n + s.bytes, 0), capBytes: CAP, items };
  },
  renameRecording: ({ id, name }) => {
    const r = need(id);
    r.summary = { ...r.summary, name };
    return r.summary;
  },
  deleteRecording: ({ id }) => ({ deleted: store.delete(id) }),
  openRecording: async ({ id }) => {
    const r = need(id);
    await new Promise((res) => setTimeout(res, 80));
    return { summary: r.summary, script: r.summary.script, options: { snapshotMs: 1000 }, bpftraceVersion: r.summary.origin === 'run' ? 'v0.17.0' : null, kernelRelease: '6.1.0-fake-amd64', frames: r.frames, invalidLines: 0, torn: !!r.torn };
  },
  recordingAt: async ({ id, t, printfLimit = 500 }) => {
    const r = need(id);
    await new Promise((res) => setTimeout(res, 30));
    return at(r, t, printfLimit);
  },
  exportRecording: async ({ id, format, map }) => {
    const r = need(id);
    const s = r.summary;
    if (['folded', 'speedscope', 'pprof', 'svg'].includes(format) && s.stackMaps.length === 0) {
      throw new Error(`${s.name} has no stack maps (kstack/ustack keys): nothing to export as ${format}. Try csv or json.`);
    }
    await new Promise((res) => setTimeout(res, 300));
    const name = `${s.id}${map ? `-${map.replace(/\W/g, '')}` : ''}.${EXT[format]}`;
    let body;
    if (format === 'folded') body = (r.stacks ?? []).map(([st, w]) => `${st} ${w}`).join('\n') + '\n';
    else if (format === 'csv') body = 'map,key,value\n' + at(r, r.frames.at(-1) ?? s.durationMs, 0).maps.flatMap((m) => m.entries.map((e) => `${m.name},${e.key ?? ''},${JSON.stringify(e.value ?? e.buckets)}`)).join('\n');
    else body = JSON.stringify({ fake: true, format, id: s.id });
    exported.set(name, { body, mime: MIME[format] });
    return { name, path: `/root/.local/share/kscope/exports/${name}`, bytes: Buffer.byteLength(body), mime: MIME[format], warnings: format === 'chrome-trace' && s.printfLines > 1000 ? ['printf lines beyond the first 1,000,000 were left out'] : [] };
  },
  importText: async ({ text, as, name }) => {
    await new Promise((res) => setTimeout(res, 250));
    const lines = text.split('\n');
    const problems = [];
    const stacks = [];
    const format = as ?? (/^@/m.test(text) ? 'bpftrace-text' : 'folded');
    if (format === 'folded') {
      lines.forEach((l, i) => {
        if (!l.trim()) return;
        const m = /^(.*\S)\s+(\d+)$/.exec(l);
        if (!m) problems.push({ line: i + 1, reason: 'not "frame;frame;… COUNT": no count at the end' });
        else stacks.push([m[1], Number(m[2])]);
      });
      if (!stacks.length) throw new Error('no folded stacks found: each line should be "frame;frame;… COUNT"');
    }
    const id = `imported-${Date.now().toString(36)}-${++imports}`;
    const summary = base(id, name || `import ${imports} (${format})`, '', { startedAt: new Date().toISOString(), durationMs: 0, events: stacks.length, bytes: text.length, maps: ['@'], stackMaps: stacks.length ? ['@'] : [], origin: format, exit: null });
    add({ kind: stacks.length ? 'profile' : 'syscalls', scale: 1, stacks, frames: [0], summary });
    return { summary, format, problems };
  },
  diffRecordings: async ({ a, b }) => {
    const ra = need(a);
    const rb = need(b);
    if (!ra.stacks) throw new Error(`${ra.summary.name} has no stack maps to compare`);
    if (!rb.stacks) throw new Error(`${rb.summary.name} has no stack maps to compare`);
    await new Promise((res) => setTimeout(res, 150));
    const tree = mergeDiff(ra.stacks, rb.stacks);
    return { mapA: '@', mapB: '@', totalA: tree.a, totalB: tree.b, tree };
  },
};
