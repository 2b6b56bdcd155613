// Which unit a map's values are in, for the charts' axes: read from the script that
// filled the map (a replay's recorded script, else the last run's, else the editor's).
import { inferMapUnits, type ValueUnit } from '../../../common/bpftrace/map-units.js';
import { useReplay } from '../library/store.js';
import { useRunSource } from '../state/run-source.js';
import { useEditor } from '../state/editor.js';

let cache: { source: string; units: Map<string, ValueUnit | null> } | null = null;

/** The units of every map in `source` (the last script's result kept: charts ask per render). */
export function mapUnitsOf(source: string): Map<string, ValueUnit | null> {
  if (cache?.source !== source) cache = { source, units: inferMapUnits(source) };
  return cache.units;
}

export function useMapUnit(name: string): ValueUnit | null {
  const replayScript = useReplay((s) => (s.opened && s.opened.summary.origin === 'run' ? s.opened.script : null));
  const runSource = useRunSource((s) => s.source);
  // The editor's text only matters before any run (a selector returning a unit: no re-render per keystroke).
  const source = replayScript ?? runSource;
  const fromEditor = useEditor((s) => (source === null ? (mapUnitsOf(s.source).get(name) ?? null) : null));
  return source !== null ? (mapUnitsOf(source).get(name) ?? null) : fromEditor;
}
