// The theme switch in the top bar: one small button that cycles System (follows
// prefers-color-scheme) → Light → Dark, as Alt+Shift+T does; its icon shows the choice and
// its tooltip says what it resolved to and what comes next. (A button, not a select: the
// top bar has no room to spare at 1,280 px.)
import { useTheme } from './store.js';
import { nextThemeChoice, themeChoiceLabel, type ThemeChoice } from './theme.js';

const ICON: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

export function ThemeSelect() {
  const choice = useTheme((s) => s.choice);
  const resolved = useTheme((s) => s.resolved);
  const cycle = useTheme((s) => s.cycle);
  const next = nextThemeChoice(choice);
  const label = `Theme: ${themeChoiceLabel(choice, resolved)}. Click (or Alt+Shift+T) for ${next === 'system' ? 'the system’s' : next}`;
  return (
    <button className="btn btn-ghost theme-button" data-testid="theme-button" data-choice={choice} data-resolved={resolved} onClick={cycle} title={label} aria-label={label}>
      <span aria-hidden="true">{ICON[choice]}</span>
    </button>
  );
}
