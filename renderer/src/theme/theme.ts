// The colour theme: what the user chose (system / light / dark) and what it resolves to.
// Pure, so the choice logic is tested without a DOM.

export type ThemeChoice = 'system' | 'light' | 'dark';
export type ResolvedTheme = 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
export const THEME_STORAGE_KEY = 'kscope.theme';

/** A stored value back to a choice; anything unknown (or nothing) follows the system. */
export function parseThemeChoice(stored: string | null | undefined): ThemeChoice {
  return stored === 'light' || stored === 'dark' || stored === 'system' ? stored : 'system';
}

/** The theme to paint: the explicit choice, or the system's `prefers-color-scheme`. */
export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): ResolvedTheme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light';
  return choice;
}

/** The shortcut's cycle: system → light → dark → system. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length]!;
}

export function themeChoiceLabel(choice: ThemeChoice, resolved: ResolvedTheme): string {
  return choice === 'system' ? `System (${resolved})` : choice === 'light' ? 'Light' : 'Dark';
}
