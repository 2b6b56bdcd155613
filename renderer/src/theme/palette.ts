// Colours that live in JavaScript (chart axes, grid, tooltips, series), one set per theme:
// recharts draws SVG attributes, where the CSS variables of the theme do not reach.
import type { ResolvedTheme } from './theme.js';
import { useTheme } from './store.js';

export interface ChartPalette {
  tick: string;
  axis: string;
  grid: string;
  cursor: string;
  legend: string;
  tooltipBg: string;
  tooltipBorder: string;
  series: readonly string[];
  /** The background a PNG export is drawn on. */
  background: string;
}

export const CHART_PALETTES: Record<ResolvedTheme, ChartPalette> = {
  dark: {
    tick: '#7d8594',
    axis: '#2a2f39',
    grid: '#ffffff0c',
    cursor: '#ffffff0a',
    legend: '#a9b0bd',
    tooltipBg: '#1d2027',
    tooltipBorder: '#353b47',
    series: ['#4f95ff', '#3fb950', '#e3b341', '#a371f7', '#ff7b72'],
    background: '#14161b',
  },
  light: {
    // Darker tones of the same hues: each passes 3:1 against white for bars and lines,
    // and the tick grey 4.5:1 for text.
    tick: '#57606a',
    axis: '#d0d7de',
    grid: '#0000000f',
    cursor: '#0000000a',
    legend: '#424a53',
    tooltipBg: '#ffffff',
    tooltipBorder: '#d0d7de',
    series: ['#0969da', '#1a7f37', '#9a6700', '#8250df', '#cf222e'],
    background: '#ffffff',
  },
};

export function useChartPalette(): ChartPalette {
  return CHART_PALETTES[useTheme((s) => s.resolved)];
}
