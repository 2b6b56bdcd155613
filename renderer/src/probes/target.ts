// What the probe browser lists user-space probes of: nothing (the kernel's catalog), a binary
// or library, or a running process (one of its mapped objects, or all of them). The picker
// offers recent binaries and the running processes (from the host, read-only); a PID chosen
// there goes into the run options as -p when a probe of it is inserted, so bpftrace attaches
// to that process only (uprobe and usdt alike).
import { create } from 'zustand';
import type { ListProcessesResult, ProcessObjects, ProcessSummary } from '../../../common/contract/index.js';
import { getClient, onConnected } from '../actions.js';

export interface ProbeTarget {
  /** The object whose probes are listed; null with a pid: every object the process maps. */
  binary: string | null;
  pid: number | null;
  /** The process's name, when a process was picked. */
  comm: string | null;
}

export interface TargetStore {
  target: ProbeTarget | null;
  pickerOpen: boolean;
  filter: string;
  processes: ListProcessesResult | null;
  processesError: string | null;
  loadingProcesses: boolean;
  /** The process whose objects are shown, and them. */
  expanded: number | null;
  objects: ProcessObjects | null;
  objectsError: string | null;
  recent: string[];
}

const RECENT_KEY = 'kscope.recentBinaries';
export const MAX_RECENT = 8;

function loadRecent(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.startsWith('/')).slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export const useTarget = create<TargetStore>()(() => ({
  target: null,
  pickerOpen: false,
  filter: '',
  processes: null,
  processesError: null,
  loadingProcesses: false,
  expanded: null,
  objects: null,
  objectsError: null,
  recent: loadRecent(),
}));

const set = useTarget.setState;
const get = useTarget.getState;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The newest first, each path once, at most MAX_RECENT. Pure. */
export function withRecent(recent: readonly string[], binary: string): string[] {
  return [binary, ...recent.filter((r) => r !== binary)].slice(0, MAX_RECENT);
}

/** Processes whose name, PID, executable or command line contain every word of the filter. Pure. */
export function filterProcesses(list: readonly ProcessSummary[], filter: string): ProcessSummary[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...list];
  return list.filter((p) => {
    const hay = `${p.comm} ${p.pid} ${p.exe ?? ''} ${p.cmdline}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The target's listing parameters for listProbes / probeTree. */
export function targetParams(t: ProbeTarget | null): { binary?: string; pid?: number } {
  if (!t) return {};
  if (t.binary !== null) return { binary: t.binary };
  return t.pid !== null ? { pid: t.pid } : {};
}

/** One line naming the target ("libc.so.6 of sleep (PID 42)"). Pure. */
export function targetLabel(t: ProbeTarget): string {
  const base = t.binary ? t.binary.slice(t.binary.lastIndexOf('/') + 1) : 'all mapped objects';
  return t.pid !== null ? `${base} of ${t.comm ?? 'process'} (PID ${t.pid})` : base;
}

let processSeq = 0;
export async function refreshProcesses(): Promise<void> {
  const c = getClient();
  if (!c) return;
  const seq = ++processSeq;
  set({ loadingProcesses: true, processesError: null });
  try {
    const processes = await c.listProcesses();
    if (seq === processSeq) set({ processes, loadingProcesses: false });
  } catch (e) {
    if (seq === processSeq) set({ processesError: message(e), loadingProcesses: false });
  }
}

export function openPicker(open = true): void {
  set({ pickerOpen: open });
  if (open) void refreshProcesses();
}

let objectsSeq = 0;
/** Show (or hide) a process's executable and libraries. */
export async function toggleProcess(pid: number): Promise<void> {
  if (get().expanded === pid) {
    set({ expanded: null, objects: null, objectsError: null });
    return;
  }
  const c = getClient();
  if (!c) return;
  const seq = ++objectsSeq;
  set({ expanded: pid, objects: null, objectsError: null });
  try {
    const objects = await c.processObjects({ pid });
    if (seq === objectsSeq) set({ objects });
  } catch (e) {
    if (seq === objectsSeq) set({ objectsError: message(e) });
  }
}

const listeners = new Set<(t: ProbeTarget | null) => void>();
/** Called when the target changes (the browser reloads its tree and search). */
export function onTargetChange(l: (t: ProbeTarget | null) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Put a binary first among the recent ones (picked, or named by a search that found probes). */
export function rememberBinary(binary: string): void {
  const recent = withRecent(get().recent, binary);
  set({ recent });
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
  } catch {
    // Not remembered; the pick still works.
  }
}

export function setTarget(target: ProbeTarget | null): void {
  if (target?.binary) rememberBinary(target.binary);
  set({ target, pickerOpen: false, filter: '' });
  for (const l of listeners) l(target);
}

// Another host has other processes (and PIDs): forget the old ones.
onConnected(() => {
  set({ processes: null, expanded: null, objects: null });
  if (get().target) setTarget(null);
});
