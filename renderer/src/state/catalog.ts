// The probe browser's store: the tree (types → groups → probes, paged), the search, the
// selection and its description. Plain state; probes/browser.ts does the calls.
import { create } from 'zustand';
import type { ListProbesResult, ProbeDescription, ProbeTreeResult, ProbeType } from '../../../common/contract/index.js';
import type { Leaves } from '../probes/rows.js';

export type Selection = { kind: 'type'; type: ProbeType } | { kind: 'probe'; name: string };

export interface CatalogStore {
  open: boolean;
  tree: ProbeTreeResult | null;
  treeError: string | null;
  expanded: Record<string, boolean>;
  leaves: Record<string, Leaves>;
  /** The search box's text. */
  query: string;
  /** The answer for `resultFor` (the query may have moved on while it was asked). */
  result: ListProbesResult | null;
  resultFor: string;
  searching: boolean;
  searchError: string | null;
  /** Keyboard-highlighted index in the results (or the tree when there is no query). */
  active: number;
  treeActive: number;
  selected: Selection | null;
  details: { name: string; data: ProbeDescription | null; loading: boolean; error: string | null } | null;
  /** Bumped to ask the search box to take the focus. */
  focusNonce: number;
  /** Search results: show the probes this kernel cannot attach (folded by default). */
  showUnavailable: boolean;
}

export const useCatalog = create<CatalogStore>()(() => ({
  open: true,
  tree: null,
  treeError: null,
  expanded: {},
  leaves: {},
  query: '',
  result: null,
  resultFor: '',
  searching: false,
  searchError: null,
  active: 0,
  showUnavailable: false,
  treeActive: 0,
  selected: null,
  details: null,
  focusNonce: 0,
}));
