// The thin shell between the recordings UI and the client: list, rename, delete, open and
// scrub a replay, export, import, compare. Errors become toasts or the dialog's own message.
import { KscopeRpcError, type ExportFormat, type ImportFormat, type KscopeClient, type MapEvent, type Result } from '../../../common/contract/index.js';
import { getClient } from '../actions.js';
import { useEditor } from '../state/editor.js';
import { useFlames } from '../state/flame.js';
import { isActive, useSession } from '../state/session.js';
import { useUi } from '../state/ui.js';
import { downloadHref, exportUrl } from './download.js';
import { formatBytes } from './format.js';
import { LatestOnly, sampleFrames, stepFrame } from './scrubber.js';
import { useLibrary, useReplay, type Dialog, type OpenedRecording } from './store.js';

export function errorMessage(e: unknown): string {
  if (e instanceof KscopeRpcError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

function need(): KscopeClient {
  const c = getClient();
  if (!c) throw new Error('Not connected to the kscope host.');
  return c;
}

const toast = (kind: 'error' | 'info', m: string) => useUi.getState().toast(kind, m);

let listSeq = 0;
/** (Re)load the library list; the search box filters it locally. */
export async function loadLibrary(): Promise<void> {
  const seq = ++listSeq;
  useLibrary.setState({ loading: true });
  try {
    const r = await need().recordings({});
    if (seq !== listSeq) return;
    const ids = new Set(r.items.map((i) => i.id));
    const lib = useLibrary.getState();
    useLibrary.setState({
      items: r.items,
      dir: r.dir,
      totalBytes: r.totalBytes,
      capBytes: r.capBytes,
      loading: false,
      error: null,
      picked: lib.picked.filter((id) => ids.has(id)),
      cursor: lib.cursor && ids.has(lib.cursor) ? lib.cursor : (r.items[0]?.id ?? null),
    });
  } catch (e) {
    if (seq !== listSeq) return;
    useLibrary.setState({ loading: false, error: errorMessage(e) });
  }
}

export function openDialog(d: Dialog): void {
  useLibrary.getState().setDialog(d);
  if (d === 'library' || d === 'compare') void loadLibrary();
}

export function closeDialog(): void {
  useLibrary.getState().setDialog('none');
}

export async function renameRecording(id: string, name: string): Promise<boolean> {
  const trimmed = name.trim();
  if (!trimmed) {
    toast('error', 'A recording needs a name.');
    return false;
  }
  try {
    const s = await need().renameRecording({ id, name: trimmed.slice(0, 200) });
    useLibrary.setState({ items: useLibrary.getState().items.map((i) => (i.id === id ? s : i)) });
    const opened = useReplay.getState().opened;
    if (opened && opened.summary.id === id) useReplay.getState().set({ opened: { ...opened, summary: s } });
    return true;
  } catch (e) {
    toast('error', `Rename failed: ${errorMessage(e)}`);
    return false;
  }
}

export async function deleteRecording(id: string): Promise<void> {
  try {
    const r = await need().deleteRecording({ id });
    if (!r.deleted) toast('info', 'That recording was already gone.');
    if (useReplay.getState().opened?.summary.id === id) closeReplay();
    await loadLibrary();
  } catch (e) {
    toast('error', `Delete failed: ${errorMessage(e)}`);
  }
}

// ---------- replay ----------

type At = { id: string; t: number };

/**
 * The counting maps at earlier frames, read in the background after a replay opens, so
 * the table's rates and time series are those of the recording up to t (a live run builds
 * them as it streams; a replay jumps). Bounded: at most SERIES_FRAMES frames, and given up
 * on maps too large to keep many copies of.
 */
const SERIES_FRAMES = 120;
const SERIES_MAX_KEYS = 20_000;

const counting = (maps: Result<'recordingAt'>['maps']): MapEvent[] =>
  maps.filter((m): m is MapEvent => m.type === 'map' && m.entries.length > 0 && m.entries.every((e) => typeof e.value === 'number'));

function show(update: Result<'recordingAt'>, at: At): void {
  useReplay.getState().set({ shown: { update, at } });
  const series = useReplay.getState().earlier;
  const earlier = series && series.id === at.id ? series.snaps.filter((s) => s.t < at.t) : [];
  useSession.getState().applyReplay(update, at, earlier);
  useFlames.getState().replace(update);
}

async function fillSeries(id: string, frames: readonly number[]): Promise<void> {
  // Each frame read replaces `earlier` with a longer copy; this run of fillSeries owns the
  // series while the store still holds the last value it set.
  let mine: { id: string; snaps: readonly { t: number; maps: MapEvent[] }[] } = { id, snaps: [] };
  useReplay.getState().set({ earlier: mine });
  const stillMine = () => useReplay.getState().earlier === mine;
  const picks = sampleFrames(frames.length, SERIES_FRAMES);
  let keys = 0;
  for (let k = 0; k < picks.length; k++) {
    if (!stillMine()) return; // another recording opened, or the replay closed
    let maps: MapEvent[];
    try {
      maps = counting((await need().recordingAt({ id, t: frames[picks[k]], printfLimit: 0 })).maps);
    } catch {
      return; // the series is a nicety: the replay itself reports its own errors
    }
    if (!stillMine()) return;
    keys += maps.reduce((n, m) => n + m.entries.length, 0);
    if (maps.length === 0 || keys > SERIES_MAX_KEYS * SERIES_FRAMES / 4) break;
    mine = { id, snaps: [...mine.snaps, { t: frames[picks[k]], maps }] };
    useReplay.getState().set({ earlier: mine, series: { done: k + 1, total: picks.length } });
    // Redraw the moment shown with what is known so far (every 10 frames and at the end).
    const shown = useReplay.getState().shown;
    if (shown && shown.at.id === id && ((k + 1) % 10 === 0 || k === picks.length - 1)) show(shown.update, shown.at);
  }
  useReplay.getState().set({ series: null });
}

const scrubber = new LatestOnly<string, Result<'recordingAt'>>(
  (key) => {
    const { id, t } = JSON.parse(key) as At;
    return need().recordingAt({ id, t, printfLimit: 2000 });
  },
  (key, update) => {
    const at = JSON.parse(key) as At;
    if (useReplay.getState().opened?.summary.id !== at.id) return;
    show(update, at);
    useReplay.getState().set({ busy: false, error: null });
  },
  (key, e) => {
    const at = JSON.parse(key) as At;
    if (useReplay.getState().opened?.summary.id !== at.id) return;
    useReplay.getState().set({ busy: false, error: errorMessage(e) });
  },
);

/** The time of frame `index` (no frames: the end of the run). */
function timeOf(index: number): number {
  const o = useReplay.getState().opened;
  if (!o) return 0;
  return index >= 0 && index < o.frames.length ? o.frames[index] : Math.max(0, o.summary.durationMs);
}

/** Move the scrubber to a frame and show the recording as it was then. */
export function seek(index: number): void {
  const r = useReplay.getState();
  const o = r.opened;
  if (!o) return;
  const i = o.frames.length ? Math.max(0, Math.min(o.frames.length - 1, index)) : -1;
  const t = timeOf(i);
  r.set({ index: i, t, busy: true });
  scrubber.request(JSON.stringify({ id: o.summary.id, t }));
}

export function step(delta: number): void {
  const r = useReplay.getState();
  if (!r.opened) return;
  seek(stepFrame(r.opened.frames, r.index, delta));
}

/**
 * What the editor shows for a recording: a run's script, or an import's note (it has no
 * script: "// imported perf script output from perf.txt" and what to do with it); null
 * for a run without a script (the editor keeps what it has).
 */
export function editorTextFor(opened: OpenedRecording): string | null {
  if (opened.summary.origin === 'run') return opened.script.trim() ? opened.script : null;
  const note = opened.script.trim() || `// imported ${opened.summary.origin}`;
  return `${note}\n//\n// ${opened.summary.name}\n// An import holds no bpftrace script: its stacks and maps are in the views.\n// Close the replay to get your script back.\n`;
}

/**
 * Open a recording into the views (the same ones a live run fills), at its last frame.
 * Refused while a run is going: the views show one thing at a time.
 */
export async function openReplay(id: string): Promise<boolean> {
  if (isActive(useSession.getState().phase)) {
    toast('error', 'A run is going: stop it (Ctrl+.) before opening a recording.');
    return false;
  }
  try {
    const opened = await need().openRecording({ id });
    if (isActive(useSession.getState().phase)) return false;
    const ed = useEditor.getState();
    // Keep the user's own script to give back when the replay closes (the first replay's, when hopping between recordings).
    const previous = useReplay.getState().opened ? useReplay.getState().previous : { source: ed.source, exampleId: ed.exampleId };
    useReplay.getState().set({ opened, index: -1, t: 0, error: null, previous });
    // The script it ran, in the editor: read it, or press Run to run it again. An import
    // has none: the editor shows its note (what was imported, from where), not the
    // previous script as if it were the import's.
    const shown = editorTextFor(opened);
    if (shown !== null) ed.setSource(shown, opened.summary.origin === 'run' ? (opened.summary.example ?? null) : null);
    if (opened.torn || opened.invalidLines > 0) {
      const parts = [];
      if (opened.torn) parts.push('its last line was cut off (the run was interrupted)');
      if (opened.invalidLines > 0) parts.push(`${opened.invalidLines} line${opened.invalidLines === 1 ? ' was' : 's were'} not understood and skipped`);
      toast('info', `Opened as far as it was written: ${parts.join('; ')}.`);
    }
    seek(opened.frames.length - 1);
    closeDialog();
    if (opened.summary.maps.length > opened.summary.stackMaps.length && opened.frames.length > 1) void fillSeries(id, opened.frames);
    else useReplay.getState().set({ earlier: null });
    return true;
  } catch (e) {
    toast('error', `Could not open the recording: ${errorMessage(e)}`);
    return false;
  }
}

/** Leave the replay: the views go back to empty, ready for a run. */
export function closeReplay(): void {
  const { opened, previous } = useReplay.getState();
  if (!opened) return;
  // Give the user's script back, unless they edited the recording's script meanwhile.
  const ed = useEditor.getState();
  if (previous && ed.source === editorTextFor(opened)) ed.setSource(previous.source, previous.exampleId);
  useReplay.getState().reset();
  if (useSession.getState().replay) useSession.getState().reset();
  useFlames.getState().reset();
}

// A run started: the replay gives way (the session store already dropped its state).
useSession.subscribe((s, prev) => {
  if (s.phase === 'starting' && prev.phase !== 'starting' && useReplay.getState().opened) {
    useReplay.getState().reset();
  }
});

// ---------- export ----------

export interface ExportDone {
  name: string;
  path: string;
  bytes: number;
  warnings: string[];
  /** Where the browser fetched it from (null in Electron: the file is at `path`). */
  href: string | null;
}

/** Export a recording on the privileged side, then hand the file to the user. */
export async function exportRecording(id: string, format: ExportFormat, map?: string): Promise<ExportDone | null> {
  try {
    const r = await need().exportRecording({ id, format, ...(map ? { map } : {}) });
    const href = exportUrl(r.name);
    if (href) downloadHref(href, r.name);
    for (const w of r.warnings) toast('info', w);
    toast('info', href ? `Exported ${r.name} (${formatBytes(r.bytes)}): downloading.` : `Exported ${formatBytes(r.bytes)} to ${r.path}`);
    return { name: r.name, path: r.path, bytes: r.bytes, warnings: r.warnings, href };
  } catch (e) {
    toast('error', `Export to ${format} failed: ${errorMessage(e)}`);
    return null;
  }
}

// ---------- import ----------

export type ImportResult = Result<'importText'>;

export interface PerfImportChoice {
  weight: 'period' | 'samples';
  rawFrames: boolean;
}

export async function importText(text: string, as: ImportFormat | undefined, name: string | undefined, perf?: PerfImportChoice, from?: string): Promise<ImportResult> {
  const r = await need().importText({ text, ...(as ? { as } : {}), ...(name ? { name } : {}), ...(perf ? { perf } : {}), ...(from ? { from: from.slice(0, 255) } : {}) });
  void loadLibrary();
  return r;
}

// ---------- compare ----------

export type DiffResult = Result<'diffRecordings'>;

export function diffRecordings(a: string, b: string, mapA?: string, mapB?: string): Promise<DiffResult> {
  return need().diffRecordings({ a, b, ...(mapA ? { mapA } : {}), ...(mapB ? { mapB } : {}) });
}

/** A recording's final state (its maps as last printed), for the overlays. */
export async function finalState(id: string): Promise<Result<'recordingAt'>> {
  const c = need();
  const o = await c.openRecording({ id });
  const t = o.frames.length ? o.frames[o.frames.length - 1] : Math.max(0, o.summary.durationMs);
  return c.recordingAt({ id, t, printfLimit: 0 });
}
