// The lessons gallery: open or closed, and which example's equivalent is in the editor
// (for the banner above it).
import { create } from 'zustand';

export interface ActiveEquivalent {
  id: string;
  /** Which script the editor shows: the equivalent (that ran) or the original (to read). */
  showing: 'equivalent' | 'original';
}

interface GalleryState {
  open: boolean;
  active: ActiveEquivalent | null;
  setOpen(open: boolean): void;
  setActive(active: ActiveEquivalent | null): void;
}

export const useGallery = create<GalleryState>((set) => ({
  open: false,
  active: null,
  setOpen: (open) => set({ open }),
  setActive: (active) => set({ active }),
}));
