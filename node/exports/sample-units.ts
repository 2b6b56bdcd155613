// What a stack map's numbers measure, for the formats that carry a unit (pprof's sample type,
// speedscope's profile unit): a `perf script` import weighted by period of a clock event
// (cpu-clock, task-clock) sums nanoseconds of CPU time; everything else counts samples.
// Pure.
import type { RecordingHeader } from '../../common/contract/index.js';

export interface SampleUnit {
  /** pprof's sample type name ("samples", "cpu"). */
  type: string;
  unit: 'count' | 'nanoseconds';
}

export const COUNT_UNIT: SampleUnit = { type: 'samples', unit: 'count' };
const CPU_NS: SampleUnit = { type: 'cpu', unit: 'nanoseconds' };

/** The unit of one stack map of this recording. */
export function sampleUnitOf(header: RecordingHeader, mapName: string): SampleUnit {
  const imported = (header.options as { imported?: { format?: string; perf?: { weight?: string } } } | null)?.imported;
  if (imported?.format !== 'perf' || imported.perf?.weight !== 'period') return COUNT_UNIT;
  return mapName === '@cpu_clock' || mapName === '@task_clock' ? CPU_NS : COUNT_UNIT;
}

/** The one unit several maps share, or null when they differ. */
export function sharedUnit(header: RecordingHeader, mapNames: readonly string[]): SampleUnit | null {
  const units = mapNames.map((n) => sampleUnitOf(header, n));
  return units.every((u) => u.type === units[0].type && u.unit === units[0].unit) ? (units[0] ?? COUNT_UNIT) : null;
}
