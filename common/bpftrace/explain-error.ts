// kscope's hints for bpftrace errors, from what the capability probe found. Pure.
import type { Capability, ErrorEvent } from '../contract/index.js';

/** Common kernel functions → the tracepoint that sees the same event. */
const FUNCTION_TRACEPOINTS: Array<[RegExp, string, string]> = [
  // [function pattern, entry tracepoint, return tracepoint]
  [/^(vfs_read|ksys_read|__x64_sys_read|__arm64_sys_read|sys_read)$/, 'tracepoint:syscalls:sys_enter_read', 'tracepoint:syscalls:sys_exit_read'],
  [/^(vfs_write|ksys_write|__x64_sys_write|__arm64_sys_write|sys_write)$/, 'tracepoint:syscalls:sys_enter_write', 'tracepoint:syscalls:sys_exit_write'],
  [/^(vfs_readv|do_readv)$/, 'tracepoint:syscalls:sys_enter_readv', 'tracepoint:syscalls:sys_exit_readv'],
  [/^(vfs_writev|do_writev)$/, 'tracepoint:syscalls:sys_enter_writev', 'tracepoint:syscalls:sys_exit_writev'],
  [/^(vfs_open|do_sys_open|do_sys_openat2|do_filp_open|__x64_sys_openat|sys_openat)$/, 'tracepoint:syscalls:sys_enter_openat', 'tracepoint:syscalls:sys_exit_openat'],
  [/^(vfs_fsync|vfs_fsync_range|do_fsync)$/, 'tracepoint:syscalls:sys_enter_fsync', 'tracepoint:syscalls:sys_exit_fsync'],
  [/^(vfs_unlink|do_unlinkat)$/, 'tracepoint:syscalls:sys_enter_unlinkat', 'tracepoint:syscalls:sys_exit_unlinkat'],
  [/^(vfs_rename|do_renameat2)$/, 'tracepoint:syscalls:sys_enter_renameat2', 'tracepoint:syscalls:sys_exit_renameat2'],
  [/^(vfs_mkdir|do_mkdirat)$/, 'tracepoint:syscalls:sys_enter_mkdirat', 'tracepoint:syscalls:sys_exit_mkdirat'],
  [/^(vfs_statx|vfs_fstatat)$/, 'tracepoint:syscalls:sys_enter_newfstatat', 'tracepoint:syscalls:sys_exit_newfstatat'],
  [/^(do_execve|do_execveat_common|bprm_execve|__x64_sys_execve)$/, 'tracepoint:syscalls:sys_enter_execve', 'tracepoint:sched:sched_process_exec'],
  [/^(do_exit|__x64_sys_exit_group)$/, 'tracepoint:sched:sched_process_exit', 'tracepoint:sched:sched_process_exit'],
  [/^(_do_fork|kernel_clone|copy_process|wake_up_new_task)$/, 'tracepoint:sched:sched_process_fork', 'tracepoint:sched:sched_process_fork'],
  [/^(finish_task_switch.*|__schedule|schedule)$/, 'tracepoint:sched:sched_switch', 'tracepoint:sched:sched_switch'],
  [/^(try_to_wake_up|ttwu_do_wakeup|wake_up_process)$/, 'tracepoint:sched:sched_wakeup', 'tracepoint:sched:sched_wakeup'],
  [/^(tcp_connect|tcp_v4_connect|tcp_v6_connect|tcp_set_state|tcp_close|inet_csk_accept|tcp_rcv_state_process)$/, 'tracepoint:sock:inet_sock_set_state', 'tracepoint:sock:inet_sock_set_state'],
  [/^(tcp_retransmit_skb|__tcp_retransmit_skb|tcp_retransmit_timer)$/, 'tracepoint:tcp:tcp_retransmit_skb', 'tracepoint:tcp:tcp_retransmit_skb'],
  [/^(tcp_send_reset|tcp_v4_send_reset|tcp_v6_send_reset)$/, 'tracepoint:tcp:tcp_send_reset', 'tracepoint:tcp:tcp_send_reset'],
  [/^(tcp_drop|kfree_skb|kfree_skb_reason|sk_skb_reason_drop)$/, 'tracepoint:skb:kfree_skb', 'tracepoint:skb:kfree_skb'],
  [/^(tcp_sendmsg|tcp_sendmsg_locked|sock_sendmsg|__sys_sendto)$/, 'tracepoint:syscalls:sys_enter_sendto', 'tracepoint:syscalls:sys_exit_sendto'],
  [/^(tcp_recvmsg|sock_recvmsg|__sys_recvfrom)$/, 'tracepoint:syscalls:sys_enter_recvfrom', 'tracepoint:syscalls:sys_exit_recvfrom'],
  [/^(blk_account_io_start|blk_mq_start_request|blk_start_request)$/, 'tracepoint:block:block_rq_issue', 'tracepoint:block:block_rq_issue'],
  [/^(blk_account_io_done|blk_account_io_completion|blk_mq_end_request|__blk_mq_end_request)$/, 'tracepoint:block:block_rq_complete', 'tracepoint:block:block_rq_complete'],
  [/^(handle_mm_fault|do_page_fault|exc_page_fault)$/, 'tracepoint:exceptions:page_fault_user', 'tracepoint:exceptions:page_fault_user'],
  [/^(kmem_cache_alloc|__kmalloc|kmalloc)$/, 'tracepoint:kmem:kmalloc', 'tracepoint:kmem:kmalloc'],
  [/^(kmem_cache_free|kfree)$/, 'tracepoint:kmem:kfree', 'tracepoint:kmem:kfree'],
  [/^(do_sys_poll|__x64_sys_poll)$/, 'tracepoint:syscalls:sys_enter_poll', 'tracepoint:syscalls:sys_exit_poll'],
  [/^(do_nanosleep|hrtimer_nanosleep)$/, 'tracepoint:syscalls:sys_enter_nanosleep', 'tracepoint:syscalls:sys_exit_nanosleep'],
];

/**
 * The tracepoint that sees the same event as a kprobe/kretprobe/kfunc/kretfunc probe
 * (`kretprobe:vfs_read` → `tracepoint:syscalls:sys_exit_read`), or null when none is known.
 * Syscall entry points (`__x64_sys_foo`, `__se_sys_foo`) map to the syscall tracepoints.
 */
export function tracepointAlternative(probe: string): string | null {
  const m = /^\s*(kprobe|kretprobe|kfunc|kretfunc|fentry|fexit|k|kr|f|fr):(?:[A-Za-z0-9_.-]+:)?([A-Za-z0-9_.]+)\s*$/.exec(probe);
  if (!m) return null;
  const kind = m[1];
  const fn = m[2].replace(/\.(isra|constprop|part|cold)\.\d+.*$/, '');
  const isReturn = kind === 'kretprobe' || kind === 'kretfunc' || kind === 'fexit' || kind === 'kr' || kind === 'fr';
  for (const [re, entry, ret] of FUNCTION_TRACEPOINTS) {
    if (re.test(fn)) return isReturn ? ret : entry;
  }
  const sys = /^(?:__x64_sys_|__arm64_sys_|__se_sys_|__do_sys_|ksys_|sys_)([a-z0-9_]+)$/.exec(fn);
  if (sys) return `tracepoint:syscalls:sys_${isReturn ? 'exit' : 'enter'}_${sys[1]}`;
  return null;
}

/** The first probe spec named in the error text (`'kprobe:vfs_read'`, `kretprobe:x`, ...). */
export function probeInError(ev: ErrorEvent): string | null {
  const text = `${ev.message}\n${ev.detail ?? ''}`;
  const m = /\b((?:kprobe|kretprobe|kfunc|kretfunc|fentry|fexit|hardware|uprobe|uretprobe|tracepoint):[^\s'"{},]+)/.exec(text);
  return m ? m[1] : null;
}

function sentence(s: string): string {
  const trimmed = s.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function withAlternative(base: string, probe: string | null, cap: Capability): string {
  const alt = (probe && tracepointAlternative(probe)) ?? null;
  let hint = base;
  if (alt) hint += ` Use ${alt} instead.`;
  else if (cap.alternative) hint += ` ${sentence(cap.alternative)}`;
  else if (cap.remedy) hint += ` ${sentence(cap.remedy)}`;
  return hint;
}

const unavailable = (caps: Record<string, Capability>, key: string): Capability | null => {
  const c = caps[key];
  return c && !c.available ? c : null;
};

/** Add `.hint` when kscope knows more than bpftrace said; otherwise return `ev` unchanged. */
export function explainError(ev: ErrorEvent, caps: Record<string, Capability>): ErrorEvent {
  if (ev.hint) return ev;
  const text = `${ev.message}\n${ev.detail ?? ''}`;
  const probe = probeInError(ev);

  const kprobeCap = unavailable(caps, 'probe:kprobe') ?? unavailable(caps, 'probe:kretprobe');
  const aboutKprobe =
    /kprobe_events|kprobe|kretprobe/.test(text) &&
    (/attach|create_probe_event|not available|not traceable|No such file/i.test(text) || (probe !== null && /^k(ret)?probe:/.test(probe)));
  if (kprobeCap && aboutKprobe) {
    const cap = (probe?.startsWith('kretprobe:') ? unavailable(caps, 'probe:kretprobe') : null) ?? kprobeCap;
    return { ...ev, hint: withAlternative(`This kernel has no kprobes: ${sentence(cap.reason)}`, probe, cap) };
  }

  // 0.17: "kfunc/kretfunc not available for your kernel version"; 0.23: "fentry/fexit not
  // available ..."; 0.27: "No matches for fentry vfs_read" (it cannot read available_filter_functions).
  const kfuncCap = unavailable(caps, 'probe:fentry') ?? unavailable(caps, 'probe:kfunc') ?? unavailable(caps, 'probe:kretfunc');
  if (kfuncCap && /kfunc|kretfunc|fentry|fexit/.test(text)) {
    return { ...ev, hint: withAlternative(`fentry/fexit (kfunc/kretfunc) probes are not available here: ${sentence(kfuncCap.reason)}`, probe, kfuncCap) };
  }

  const hwCap = unavailable(caps, 'probe:hardware');
  if (hwCap && (/hardware:/.test(text) || /perf_event_open/.test(text))) {
    let hint = `This machine has no hardware performance counters: ${sentence(hwCap.reason)}`;
    hint += hwCap.alternative ? ` ${sentence(hwCap.alternative)}` : ' Try profile:hz:99 or software:cpu-clock:1000000 instead.';
    return { ...ev, hint };
  }

  const upCap = unavailable(caps, 'probe:uprobe');
  if (upCap && /uprobe|uretprobe/.test(text) && /attach/i.test(text)) {
    return { ...ev, hint: withAlternative(`uprobes are not available here: ${sentence(upCap.reason)}`, null, upCap) };
  }

  if (/linux\/types\.h'? file not found|kernel headers? (not found|missing)|Include headers with missing type definitions/i.test(text)) {
    const cap = caps['kernel-headers'];
    let hint = 'bpftrace could not find the kernel headers it needs.';
    if (cap && !cap.available) hint += ` ${sentence(cap.reason)}`;
    hint += ` ${cap?.remedy ? sentence(cap.remedy) : 'Install the headers for this kernel (e.g. linux-headers-$(uname -r)), or remove the #include and rely on BTF.'}`;
    return { ...ev, hint };
  }

  if (/Operation not permitted|must be run as root|Permission denied|EPERM|insufficient privileges/i.test(text)) {
    const cap = caps['privilege'];
    let hint = 'bpftrace needs root (or CAP_BPF + CAP_PERFMON) to load programs.';
    if (cap && !cap.available) hint += ` ${sentence(cap.reason)}`;
    if (cap?.remedy) hint += ` ${sentence(cap.remedy)}`;
    return { ...ev, hint };
  }

  return ev;
}
