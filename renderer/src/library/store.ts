// The stores of the recordings features: the library dialog (list, search, selection),
// the replay (which recording, its frames, where the scrubber is), the import dialog and
// the compare view. Thin zustand shells; the logic is in format.ts, scrubber.ts and
// ../compare/*.ts, the calls in actions.ts.
import { create } from 'zustand';
import type { MapEvent, Result, RecordingSummary } from '../../../common/contract/index.js';

export type Dialog = 'none' | 'library' | 'import' | 'compare';

export interface LibraryState {
  dialog: Dialog;
  items: RecordingSummary[];
  dir: string;
  totalBytes: number;
  capBytes: number;
  loading: boolean;
  /** Why the list could not be loaded (e.g. the backend has no library yet). */
  error: string | null;
  query: string;
  /** The row with the keyboard focus (by id). */
  cursor: string | null;
  /** Rows ticked for Compare: [A, B] in the order ticked. */
  picked: string[];
  /** The compare view's recordings: A = before, B = after. */
  compare: { a: string | null; b: string | null };
  setDialog(d: Dialog): void;
  setQuery(q: string): void;
  setCursor(id: string | null): void;
  togglePick(id: string): void;
  setPicked(ids: string[]): void;
}

export const useLibrary = create<LibraryState>()((set, get) => ({
  dialog: 'none',
  items: [],
  dir: '',
  totalBytes: 0,
  capBytes: 0,
  loading: false,
  error: null,
  query: '',
  cursor: null,
  picked: [],
  compare: { a: null, b: null },
  setDialog: (dialog) => set({ dialog }),
  setQuery: (query) => set({ query }),
  setCursor: (cursor) => set({ cursor }),
  togglePick: (id) => {
    const p = get().picked;
    // Two at most: ticking a third replaces the older pick (A becomes the previous B).
    set({ picked: p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2) });
  },
  setPicked: (picked) => set({ picked }),
}));

export type OpenedRecording = Result<'openRecording'>;

export interface ReplayState {
  opened: OpenedRecording | null;
  /** The scrubber's frame (index into opened.frames; -1 when the recording has no map prints). */
  index: number;
  /** The time shown (ms since the run started). */
  t: number;
  /** A recordingAt call is in flight (long enough to say so). */
  busy: boolean;
  error: string | null;
  /** Reading earlier frames for the counting maps' rates and series (null: done or not needed). */
  series: { done: number; total: number } | null;
  /** The editor's script before the replay loaded the recording's, to give back on close. */
  previous: { source: string; exampleId: string | null } | null;
  /** Counting maps at earlier frames, read in the background (rates and series up to t); replaced, never edited in place. */
  earlier: { id: string; snaps: readonly { t: number; maps: MapEvent[] }[] } | null;
  /** The recordingAt answer the views show now (redrawn as `earlier` fills). */
  shown: { update: Result<'recordingAt'>; at: { id: string; t: number } } | null;
  set(p: Partial<Omit<ReplayState, 'set' | 'reset'>>): void;
  reset(): void;
}

export const useReplay = create<ReplayState>()((set) => ({
  opened: null,
  index: -1,
  t: 0,
  busy: false,
  error: null,
  previous: null,
  series: null,
  earlier: null,
  shown: null,
  set: (p) => set(p),
  reset: () => set({ opened: null, index: -1, t: 0, busy: false, error: null, previous: null, series: null, earlier: null, shown: null }),
}));
