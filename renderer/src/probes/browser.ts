// The probe browser's actions: load the tree and its pages, search as you type (debounced,
// stale answers dropped), select and describe, focus the search box.
import type { ProbeType } from '../../../common/contract/index.js';
import { onConnected, onHashParams } from '../actions.js';
import { useCatalog, type Selection } from '../state/catalog.js';
import { describeProbe, errorMessage, listProbes, probeTree } from './api.js';
import { LEAF_PAGE, groupKey, probesParam, typeKey } from './rows.js';
import { parseUserGlob } from '../../../common/bpftrace/user-glob.js';
import { onTargetChange, rememberBinary, targetParams, useTarget } from './target.js';

const USER_TYPES: readonly ProbeType[] = ['uprobe', 'uretprobe', 'usdt'];
/** The picked binary or process, for the calls that list user-space probes. */
const target = () => targetParams(useTarget.getState().target);

const set = useCatalog.setState;
const get = useCatalog.getState;

/** Results asked per search (the list is virtualized; the count says how many there are). */
export const SEARCH_LIMIT = 1000;
export const SEARCH_DEBOUNCE_MS = 60;

export async function loadTree(): Promise<void> {
  try {
    const t = useTarget.getState().target;
    const tree = await probeTree(target());
    if (t !== useTarget.getState().target) return; // picked another meanwhile
    set({ tree, treeError: null });
  } catch (e) {
    set({ treeError: errorMessage(e) });
  }
}

export async function loadLeaves(type: ProbeType, group: string | null, offset = 0): Promise<void> {
  const key = groupKey(type, group);
  const prev = get().leaves[key];
  if (prev?.loading) return;
  set((s) => ({
    leaves: { ...s.leaves, [key]: { probes: prev?.probes ?? [], total: prev?.total ?? 0, loading: true, error: null } },
  }));
  try {
    const r = await listProbes({ types: [type], ...(group !== null ? { group } : {}), ...(USER_TYPES.includes(type) ? target() : {}), limit: LEAF_PAGE, offset });
    set((s) => {
      const old = s.leaves[key]?.probes ?? [];
      return { leaves: { ...s.leaves, [key]: { probes: [...old.slice(0, offset), ...r.probes], total: r.total, loading: false, error: null } } };
    });
  } catch (e) {
    set((s) => ({
      leaves: { ...s.leaves, [key]: { probes: s.leaves[key]?.probes ?? [], total: s.leaves[key]?.total ?? 0, loading: false, error: errorMessage(e) } },
    }));
  }
}

export function toggleType(type: ProbeType, hasGroups: boolean): void {
  const key = typeKey(type);
  const open = !get().expanded[key];
  set((s) => ({ expanded: { ...s.expanded, [key]: open } }));
  if (open && !hasGroups && !get().leaves[groupKey(type, null)]) void loadLeaves(type, null);
}

export function toggleGroup(type: ProbeType, group: string): void {
  const key = groupKey(type, group);
  const open = !get().expanded[key];
  set((s) => ({ expanded: { ...s.expanded, [key]: open } }));
  if (open && !get().leaves[key]) void loadLeaves(type, group);
}

export function loadMore(type: ProbeType, group: string | null): void {
  const loaded = get().leaves[groupKey(type, group)]?.probes.length ?? 0;
  void loadLeaves(type, group, loaded);
}

let searchSeq = 0;
let searchTimer: ReturnType<typeof setTimeout> | null = null;

export function setQuery(query: string): void {
  set({ query, active: 0, showUnavailable: false });
  if (searchTimer) clearTimeout(searchTimer);
  const seq = ++searchSeq;
  if (!query.trim()) {
    set({ result: null, resultFor: '', searching: false, searchError: null });
    return;
  }
  set({ searching: true });
  searchTimer = setTimeout(() => {
    searchTimer = null;
    // A pattern naming its own path (uprobe:/bin/bash:read*) wins over the picked target.
    const named = parseUserGlob(query);
    const scope = named ? {} : target();
    listProbes({ query: query.trim(), ...scope, limit: SEARCH_LIMIT })
      .then((result) => {
        if (seq !== searchSeq) return; // a newer query was typed: drop this answer
        // A binary typed in a pattern that found probes joins the picker's recent binaries.
        if (named && !named.pathHasGlob && result.total > 0) rememberBinary(named.path);
        set({ result, resultFor: query, searching: false, searchError: null, active: 0 });
      })
      .catch((e: unknown) => {
        if (seq !== searchSeq) return;
        set({ searching: false, searchError: errorMessage(e), result: null, resultFor: query });
      });
  }, SEARCH_DEBOUNCE_MS);
}

export function clearSearch(): void {
  setQuery('');
}

let describeSeq = 0;
export function select(selection: Selection): void {
  set({ selected: selection });
  if (selection.kind !== 'probe') {
    set({ details: null });
    return;
  }
  const name = selection.name;
  const seq = ++describeSeq;
  set({ details: { name, data: null, loading: true, error: null } });
  describeProbe(name)
    .then((data) => {
      if (seq === describeSeq) set({ details: { name, data, loading: false, error: null } });
    })
    .catch((e: unknown) => {
      if (seq === describeSeq) set({ details: { name, data: null, loading: false, error: errorMessage(e) } });
    });
}

export function closeDetails(): void {
  set({ selected: null, details: null });
}

export function setOpen(open: boolean): void {
  set({ open });
}

/** Ctrl+P: open the browser and put the cursor in its search box. */
export function focusSearch(): void {
  set((s) => ({ open: true, focusNonce: s.focusNonce + 1 }));
}

/** Open the browser with a search (the `probes=PATTERN` URL parameter). */
export function openWithSearch(pattern: string): void {
  set({ open: true });
  setQuery(pattern);
}

function applyUrl(): void {
  const pattern = probesParam(location.search, location.hash);
  if (pattern && pattern !== get().query) openWithSearch(pattern);
}

/** With a target picked, its uprobe and usdt types open (and their group, when there is one). */
function openTargetTypes(): void {
  if (!useTarget.getState().target) return;
  for (const t of get().tree?.types ?? []) {
    if (t.type === 'uretprobe' || !USER_TYPES.includes(t.type) || t.count === 0) continue;
    set((s) => ({ expanded: { ...s.expanded, [typeKey(t.type)]: true } }));
    if (t.groups.length === 1) toggleGroup(t.type, t.groups[0]!.name);
  }
}

let wired = false;
/** Load the tree on every connection; honour probes=PATTERN. */
export function wireCatalog(): void {
  if (wired) return;
  wired = true;
  onConnected(() => {
    set({ tree: null, treeError: null, leaves: {} });
    void loadTree();
    applyUrl();
  });
  onHashParams(applyUrl);
  // A new target: its tree, and the search asked again within it.
  onTargetChange(() => {
    set({ tree: null, treeError: null, leaves: {}, expanded: {}, selected: null, details: null });
    void loadTree().then(openTargetTypes);
    const q = get().query;
    if (q.trim()) setQuery(q);
  });
}
