// The value axis of a map's time series: its unit's name, and ticks in that unit (bytes in
// IEC units, as `ls -lh`; everything else compact decimal). Pure.
import { unitLabel, type ValueUnit } from '../../../common/bpftrace/map-units.js';
import { formatBytes } from '../../../common/format/bytes.js';
import { compactNumber } from './format.js';

export function seriesAxisLabel(unit: ValueUnit | null): string {
  return unit ? unitLabel(unit) : 'value';
}

export function seriesTick(v: number, unit: ValueUnit | null): string {
  return unit === 'bytes' && v >= 1024 ? formatBytes(v).replace(' ', '') : compactNumber(v);
}
