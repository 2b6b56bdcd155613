import { describe, expect, it } from 'vitest';
import { nextThemeChoice, parseThemeChoice, resolveTheme, themeChoiceLabel } from './theme.js';

describe('theme choice', () => {
  it('follows prefers-color-scheme only when the choice is system', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
  it('reads back a stored choice and treats anything else as system', () => {
    expect(parseThemeChoice('light')).toBe('light');
    expect(parseThemeChoice('dark')).toBe('dark');
    expect(parseThemeChoice(null)).toBe('system');
    expect(parseThemeChoice('solarized')).toBe('system');
  });
  it('cycles system → light → dark → system', () => {
    expect(nextThemeChoice('system')).toBe('light');
    expect(nextThemeChoice('light')).toBe('dark');
    expect(nextThemeChoice('dark')).toBe('system');
  });
  it('labels the system choice with what it resolved to', () => {
    expect(themeChoiceLabel('system', 'light')).toBe('System (light)');
    expect(themeChoiceLabel('dark', 'dark')).toBe('Dark');
  });
});
