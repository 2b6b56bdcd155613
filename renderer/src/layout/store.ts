// Which pane fills the window (maximized), remembered across reloads like the splitters.
import { create } from 'zustand';

export type PaneId = 'editor' | 'problems' | 'flame' | 'maps' | 'output';

const KEY = 'kscope.layout.maximized';
const PANES: readonly PaneId[] = ['editor', 'problems', 'flame', 'maps', 'output'];

function load(): PaneId | null {
  try {
    const v = localStorage.getItem(KEY);
    return PANES.includes(v as PaneId) ? (v as PaneId) : null;
  } catch {
    return null;
  }
}

export interface LayoutStore {
  maximized: PaneId | null;
  toggleMaximized(p: PaneId): void;
  restore(): void;
}

export const useLayout = create<LayoutStore>()((set, get) => {
  const save = (maximized: PaneId | null) => {
    try {
      if (maximized) localStorage.setItem(KEY, maximized);
      else localStorage.removeItem(KEY);
    } catch {
      // Storage refused (private mode): the layout is only not remembered.
    }
    set({ maximized });
  };
  return {
    maximized: load(),
    toggleMaximized: (p) => save(get().maximized === p ? null : p),
    restore: () => save(null),
  };
});
