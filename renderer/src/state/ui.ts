// UI-wide state: the connection, the example list, run options, toasts.
import { create } from 'zustand';
import type { Example } from '../../../common/contract/index.js';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'no-token' }
  | { kind: 'closed'; reason: string };

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
  /** What the toast is about, so it can go when that is settled (e.g. 'run-form'). */
  topic?: string;
}

export interface UiStore {
  connection: ConnectionState;
  examples: Example[];
  snapshotMs: number;
  toasts: Toast[];
  bpftrace: string | null;
  /** bpftrace's version as `version()` reports it (`v0.17.0`), for version-dependent syntax. */
  bpftraceVersion: string | null;
  setConnection(c: ConnectionState): void;
  setExamples(e: Example[]): void;
  setSnapshotMs(ms: number): void;
  setBpftrace(v: string | null): void;
  setBpftraceVersion(v: string | null): void;
  toast(kind: Toast['kind'], message: string, topic?: string): void;
  dismiss(id: number): void;
  /** Take down the toasts about `topic` (their problem is solved). */
  dismissTopic(topic: string): void;
}

let toastId = 0;

export const useUi = create<UiStore>()((set, get) => ({
  connection: { kind: 'connecting' },
  examples: [],
  snapshotMs: 1000,
  toasts: [],
  bpftrace: null,
  bpftraceVersion: null,
  setConnection: (connection) => set({ connection }),
  setExamples: (examples) => set({ examples }),
  setSnapshotMs: (snapshotMs) => set({ snapshotMs }),
  setBpftrace: (bpftrace) => set({ bpftrace }),
  setBpftraceVersion: (bpftraceVersion) => set({ bpftraceVersion }),
  toast: (kind, message, topic) => {
    const id = ++toastId;
    set({ toasts: [...get().toasts.slice(-3), { id, kind, message, ...(topic ? { topic } : {}) }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 8000 : 4000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  dismissTopic: (topic) => set({ toasts: get().toasts.filter((t) => t.topic !== topic) }),
}));

/** Which example to open first: ?example=ID, then #…&example=ID, then lesson-4, then the first. */
export function pickStartExample(examples: readonly Example[], search: string, hash: string): Example | null {
  const fromQuery = new URLSearchParams(search).get('example');
  const fromHash = new URLSearchParams(hash.replace(/^#/, '')).get('example');
  for (const id of [fromQuery, fromHash, 'lesson-4']) {
    const found = id ? examples.find((e) => e.id === id) : undefined;
    if (found) return found;
  }
  return examples[0] ?? null;
}
