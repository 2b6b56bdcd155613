// The script text the last run started with: a run's problems point into that text, so once
// the editor holds something else they are marked as from an earlier version.
import { create } from 'zustand';

export const useRunSource = create<{ source: string | null }>()(() => ({ source: null }));

/** The run's problems no longer describe the editor's text. Pure. */
export function runProblemsStale(runSource: string | null, editorSource: string): boolean {
  return runSource !== null && runSource !== editorSource;
}
