// The editor store: the script text, and the markers derived from the session's errors.
// Marker computation is pure (tested); the Monaco side only applies what it returns.
import { create } from 'zustand';
import type { Diagnostic, ErrorEvent, WarningEvent } from '../../../common/contract/index.js';

export type MarkerSeverity = 'error' | 'warning';

/** A Monaco-independent marker (1-based lines, columns; endColumn exclusive). */
export interface Marker {
  severity: MarkerSeverity;
  message: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/**
 * Markers for errors and warnings that carry a line. A column range marks those columns;
 * no column marks the whole line. Lines and columns are clamped into the source so a
 * stale location never throws.
 */
export function markersFor(
  source: string,
  errors: readonly ErrorEvent[],
  warnings: readonly WarningEvent[],
): Marker[] {
  const lines = source.split('\n');
  const out: Marker[] = [];
  const add = (severity: MarkerSeverity, p: ErrorEvent | WarningEvent) => {
    if (p.line === undefined || !Number.isFinite(p.line)) return;
    const line = Math.min(Math.max(1, Math.trunc(p.line)), lines.length);
    const text = lines[line - 1] ?? '';
    const lineEnd = text.length + 1;
    let startColumn: number;
    let endColumn: number;
    if (p.column === undefined) {
      const indent = text.length - text.trimStart().length;
      startColumn = Math.min(indent + 1, lineEnd);
      endColumn = lineEnd;
    } else {
      startColumn = Math.min(Math.max(1, Math.trunc(p.column)), lineEnd);
      endColumn = p.endColumn !== undefined ? Math.trunc(p.endColumn) : startColumn + 1;
      if (endColumn <= startColumn) endColumn = startColumn + 1;
      endColumn = Math.min(endColumn, Math.max(lineEnd, startColumn + 1));
    }
    let message = p.message;
    if ('hint' in p && p.hint) message += `\n\n${p.hint}`;
    out.push({ severity, message, startLineNumber: line, startColumn, endLineNumber: line, endColumn });
  };
  for (const e of errors) add('error', e);
  for (const w of warnings) add('warning', w);
  return out;
}

export interface RevealRequest {
  line: number;
  column: number;
  nonce: number;
}

export interface InsertRequest {
  text: string;
  nonce: number;
}

export interface EditorStore {
  source: string;
  /** The text as last loaded from outside (an example, a template): edited = source !== pristine. */
  pristine: string;
  insert: InsertRequest | null;
  /** Bumped to ask the editor to take the focus. */
  focusNonce: number;
  /** Which example the text came from (null once unknown/edited is not tracked). */
  exampleId: string | null;
  /** Bumped when the source changes by the user; markers for an older version are stale. */
  version: number;
  reveal: RevealRequest | null;
  /** What the while-typing check (kscope's capabilities + bpftrace's dry run) found in the current text. */
  checks: readonly Diagnostic[];
  setChecks(checks: readonly Diagnostic[]): void;
  setSource(source: string, exampleId?: string | null): void;
  /** Ask the editor to move its cursor to a location (from the Problems list). */
  revealAt(line: number, column?: number): void;
  /** Insert text at the editor's cursor (replacing the selection). */
  insertText(text: string): void;
  focus(): void;
}

export const isEdited = (s: Pick<EditorStore, 'source' | 'pristine'>) => s.source.trim() !== '' && s.source !== s.pristine;

let nonce = 0;

export const useEditor = create<EditorStore>()((set) => ({
  source: '',
  pristine: '',
  insert: null,
  focusNonce: 0,
  exampleId: null,
  version: 0,
  reveal: null,
  checks: [],
  setChecks: (checks) => set({ checks }),
  setSource: (source, exampleId) =>
    set((s) =>
      s.source === source && (exampleId === undefined || exampleId === s.exampleId)
        ? s
        : {
            source,
            version: s.version + 1,
            // An emptied editor holds no example any more (the top bar stops naming it).
            exampleId: exampleId !== undefined ? exampleId : source.trim() === '' ? null : s.exampleId,
            pristine: exampleId === undefined ? s.pristine : source,
          },
    ),
  revealAt: (line, column = 1) => set({ reveal: { line, column, nonce: ++nonce } }),
  insertText: (text) => set({ insert: { text, nonce: ++nonce } }),
  focus: () => set((s) => ({ focusNonce: s.focusNonce + 1 })),
}));
