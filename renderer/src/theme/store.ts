// The theme's thin shell: the choice remembered in localStorage, the system's preference
// watched through matchMedia, and the result set on <html data-theme> for the CSS.
import { create } from 'zustand';
import { nextThemeChoice, parseThemeChoice, resolveTheme, THEME_STORAGE_KEY, type ResolvedTheme, type ThemeChoice } from './theme.js';

interface ThemeStore {
  choice: ThemeChoice;
  resolved: ResolvedTheme;
  setChoice(choice: ThemeChoice): void;
  cycle(): void;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function systemPrefersDark(): boolean {
  // No matchMedia (a test DOM): dark, the theme kscope always had.
  return typeof matchMedia === 'function' ? matchMedia(DARK_QUERY).matches : true;
}

function storedChoice(): ThemeChoice {
  try {
    return parseThemeChoice(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'system';
  }
}

function paint(resolved: ResolvedTheme): void {
  if (typeof document === 'undefined') return;
  document.documentElement.dataset.theme = resolved;
}

export const useTheme = create<ThemeStore>()((set, get) => {
  const choice = storedChoice();
  const resolved = resolveTheme(choice, systemPrefersDark());
  paint(resolved);
  return {
    choice,
    resolved,
    setChoice: (next) => {
      try {
        localStorage.setItem(THEME_STORAGE_KEY, next);
      } catch {
        // Storage refused (private mode): the choice still holds for this page.
      }
      const r = resolveTheme(next, systemPrefersDark());
      paint(r);
      set({ choice: next, resolved: r });
    },
    cycle: () => get().setChoice(nextThemeChoice(get().choice)),
  };
});

/** Follow the system's preference while the choice is "system" (call once at start). */
export function watchSystemTheme(): () => void {
  if (typeof matchMedia !== 'function') return () => {};
  const mq = matchMedia(DARK_QUERY);
  const onChange = () => {
    const { choice } = useTheme.getState();
    const resolved = resolveTheme(choice, mq.matches);
    paint(resolved);
    useTheme.setState({ resolved });
  };
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}
