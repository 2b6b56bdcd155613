// Scripts as files: open and save .bt (Ctrl+O, Ctrl+S), recent scripts, the editor's draft
// restored after a reload, and a question before anything replaces unsaved edits. Uses the
// File System Access API where the browser has it (Chromium, Electron: Save writes back to
// the opened file), else a file input and a download.
import { create } from 'zustand';
import { isEdited, useEditor } from '../state/editor.js';
import { useUi } from '../state/ui.js';
import { addRecent, parseDraft, parseRecent, scriptFileName, type RecentScript } from './recent.js';

const DRAFT_KEY = 'kscope.draft';
const RECENT_KEY = 'kscope.recentScripts';

// The parts of the File System Access API used here (not in TypeScript's DOM lib yet).
interface WritableFile {
  write(data: string): Promise<void>;
  close(): Promise<void>;
}
interface FileHandle {
  name: string;
  getFile(): Promise<File>;
  createWritable(): Promise<WritableFile>;
}
interface PickerOptions {
  types?: { description: string; accept: Record<string, string[]> }[];
  suggestedName?: string;
  excludeAcceptAllOption?: boolean;
}
interface FsWindow {
  showOpenFilePicker?: (o?: PickerOptions) => Promise<FileHandle[]>;
  showSaveFilePicker?: (o?: PickerOptions) => Promise<FileHandle>;
}
const fsWindow = () => window as unknown as FsWindow;
const BT_TYPES = [{ description: 'bpftrace script', accept: { 'text/plain': ['.bt'] } }];

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage full or refused: the draft is only not kept.
  }
}

export interface ScriptFileStore {
  /** The file the editor's text came from or was saved to (null: an example or new text). */
  fileName: string | null;
  handle: FileHandle | null;
  recent: RecentScript[];
}

export const useScriptFile = create<ScriptFileStore>()(() => ({ fileName: null, handle: null, recent: parseRecent(read(RECENT_KEY)) }));

function remember(name: string, text: string): void {
  const recent = addRecent(useScriptFile.getState().recent, { name, text, at: Date.now() });
  useScriptFile.setState({ recent });
  write(RECENT_KEY, JSON.stringify(recent));
}

/**
 * True when the editor's text may be replaced by `what`: nothing unsaved, or the user said
 * so. Everything that swaps the script (examples, lessons, templates, files) asks this.
 */
export function confirmReplace(what: string): boolean {
  if (!isEdited(useEditor.getState())) return true;
  const name = useScriptFile.getState().fileName;
  return window.confirm(`Replace your unsaved edits${name ? ` to ${name}` : ''} with ${what}?\n\nSave them first with Ctrl+S, or press Cancel to keep editing.`);
}

/** Put a file's text in the editor (as unedited), remembered as recent. */
export function loadScriptText(name: string, text: string, handle: FileHandle | null = null): void {
  const ed = useEditor.getState();
  ed.setSource(text, null);
  useEditor.setState({ pristine: text });
  useScriptFile.setState({ fileName: name, handle });
  remember(name, text);
}

export async function openScript(): Promise<void> {
  if (!confirmReplace('another script')) return;
  const w = fsWindow();
  try {
    if (w.showOpenFilePicker) {
      const [h] = await w.showOpenFilePicker({ types: BT_TYPES });
      const f = await h.getFile();
      loadScriptText(h.name, await f.text(), h);
      return;
    }
    const file = await new Promise<File | null>((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = '.bt,text/plain';
      input.onchange = () => resolve(input.files?.[0] ?? null);
      input.click();
    });
    if (file) loadScriptText(file.name, await file.text());
  } catch (e) {
    if ((e as Error).name === 'AbortError') return; // the user closed the picker
    useUi.getState().toast('error', `Could not open the script: ${(e as Error).message}`);
  }
}

/** Save (to the opened file when the browser allows writing it), or Save As. */
export async function saveScript(saveAs = false): Promise<void> {
  const { source } = useEditor.getState();
  const st = useScriptFile.getState();
  const w = fsWindow();
  const suggested = scriptFileName(st.fileName ?? useEditor.getState().exampleId);
  try {
    let handle = saveAs ? null : st.handle;
    if (!handle && w.showSaveFilePicker) handle = await w.showSaveFilePicker({ suggestedName: suggested, types: BT_TYPES });
    if (handle) {
      const out = await handle.createWritable();
      await out.write(source);
      await out.close();
      useScriptFile.setState({ fileName: handle.name, handle });
      remember(handle.name, source);
    } else {
      // No file access: download it (the browser's download folder).
      const href = URL.createObjectURL(new Blob([source], { type: 'text/plain' }));
      const a = document.createElement('a');
      a.href = href;
      a.download = suggested;
      a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      useScriptFile.setState({ fileName: suggested, handle: null });
      remember(suggested, source);
    }
    useEditor.setState({ pristine: source });
    useUi.getState().toast('info', `Saved ${useScriptFile.getState().fileName}.`);
  } catch (e) {
    if ((e as Error).name === 'AbortError') return;
    useUi.getState().toast('error', `Could not save the script: ${(e as Error).message}`);
  }
}

export function openRecent(name: string): void {
  const r = useScriptFile.getState().recent.find((x) => x.name === name);
  if (!r || !confirmReplace(name)) return;
  loadScriptText(r.name, r.text);
}

let draftWired = false;

/**
 * Restore the editor from the last draft (before the start example is picked: a non-empty
 * editor keeps its text), then keep the draft up to date while typing.
 */
export function restoreDraft(): void {
  if (draftWired) return;
  draftWired = true;
  const d = parseDraft(read(DRAFT_KEY));
  if (d && useEditor.getState().source === '') {
    useEditor.getState().setSource(d.source, d.exampleId);
    useEditor.setState({ pristine: d.pristine });
    useScriptFile.setState({ fileName: d.fileName });
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    timer = null;
    const s = useEditor.getState();
    if (s.source === '') return;
    write(DRAFT_KEY, JSON.stringify({ source: s.source, pristine: s.pristine, exampleId: s.exampleId, fileName: useScriptFile.getState().fileName }));
  };
  const schedule = () => {
    if (!timer) timer = setTimeout(save, 250);
  };
  useEditor.subscribe((s, prev) => {
    if (s.source !== prev.source || s.pristine !== prev.pristine) schedule();
  });
  useScriptFile.subscribe(schedule);
  // A reload or a closed tab right after typing: write now.
  window.addEventListener('pagehide', save);
}

/**
 * Replace the editor's text with an example, lesson or template (after asking when there are
 * unsaved edits). False when the user kept their edits.
 */
export function replaceScript(what: string, source: string, exampleId: string | null): boolean {
  if (useEditor.getState().source !== source && !confirmReplace(what)) return false;
  useEditor.getState().setSource(source, exampleId);
  useEditor.setState({ pristine: source });
  useScriptFile.setState({ fileName: null, handle: null });
  return true;
}
