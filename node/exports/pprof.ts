// pprof: gzipped profile.proto (via pprof-format), readable by `go tool pprof`, Pyroscope and
// Parca. One Function and one Location per distinct frame name, one Sample per distinct stack
// (locations leaf-first, as pprof wants), value = its count. With several stack maps each
// stack starts with its map's name (the caller's prefix), as in the folded export.
//
// pprof values are int64: counts are written exactly (beyond 2^53 from the recording's
// decimal strings); fractional counts (a folded file's 334.618) are scaled by the smallest
// power of ten that makes every count whole, and the export says so (a warning, the sample
// type's unit and the comment) instead of truncating. Locations carry a Mapping per binary the
// frames name ("func (/usr/lib/libc.so.6)", "[libc.so.6]"); other frames belong to a first
// mapping named for where the stacks came from, so `go tool pprof` has a main binary. A
// `profile:hz:N` script adds Pyroscope's cpu/nanoseconds value and period.
import { gzipSync } from 'node:zlib';
import { Function as PFunction, Line, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { RecordingHeader } from '../../common/contract/index.js';
import { ExportError } from '../../common/export/errors.js';
import type { StackCounts } from '../../common/export/stack-table.js';
import type { Count } from '../../common/import/exact-counts.js';
import { COUNT_UNIT, sharedUnit } from './sample-units.js';

const INT64_MAX = (1n << 63n) - 1n;
/** The finest scale tried for fractional counts (6 decimals: bpftrace's avg/stats are integers, folded files rarely carry more). */
const MAX_SCALE_DIGITS = 9;

/** Digits after the decimal point of a number's shortest text (0 for integers). */
function decimals(v: number): number {
  if (Number.isInteger(v)) return 0;
  const s = String(v);
  const e = s.indexOf('e-');
  if (e >= 0) {
    const mant = s.slice(0, e);
    const dot = mant.indexOf('.');
    return Number(s.slice(e + 2)) + (dot < 0 ? 0 : mant.length - dot - 1);
  }
  return s.length - s.indexOf('.') - 1;
}

/** The binary a frame names, or null: "f (/usr/lib/x.so)", "f+0x1 (/bin/app)", "[libc.so.6]". */
export function frameBinary(name: string): string | null {
  const m = /\s\(((?:\/|\[)[^()]*)\)$/.exec(name);
  if (m) return m[1];
  // "[libc.so.6]", "[perf-123.map]", "[kernel.kallsyms]": an unknown symbol named by its object
  // (perf, stackcollapse-perf.pl); not "[unknown]", not "[empty stack]".
  const b = /^\[([^\]\s]+)\]$/.exec(name);
  return b && b[1] !== 'unknown' ? b[1] : null;
}

/** The main mapping's name: the imported file's name, or what a bpftrace run sampled. */
function mainBinary(header: RecordingHeader): string {
  const imported = (header.options as { imported?: { from?: string | null; format?: string } } | null)?.imported;
  if (imported) return imported.from ? imported.from.replace(/.*\//, '') : `[imported ${imported.format ?? 'stacks'}]`;
  return /\bustack\b/.test(header.script) && !/\bkstack\b/.test(header.script) ? '[user stacks]' : '[kernel.kallsyms]';
}

export interface PprofResult {
  bytes: Uint8Array;
  warnings: string[];
}

export function encodePprof(profiles: readonly StackCounts[], frames: readonly string[], header: RecordingHeader): PprofResult {
  const warnings: string[] = [];
  // Scale: the most decimals any count has (a power of ten makes them all whole).
  let digits = 0;
  for (const p of profiles) for (const c of p.counts) if (typeof c === 'number') digits = Math.max(digits, decimals(c));
  if (digits > MAX_SCALE_DIGITS) {
    warnings.push(`counts with more than ${MAX_SCALE_DIGITS} decimals were rounded to ${MAX_SCALE_DIGITS} (pprof holds whole numbers)`);
    digits = MAX_SCALE_DIGITS;
  }
  const scale = 10n ** BigInt(digits);
  if (digits > 0) warnings.push(`pprof holds whole numbers: every count was multiplied by ${scale} (unit "count/${scale}") so fractional counts stay exact`);
  const valueOf = (v: Count): bigint => {
    if (typeof v === 'bigint') return v * scale;
    if (digits === 0) return BigInt(v);
    // Through the decimal text, not v * 10^k in floating point (334.618 * 1000 = 334617.99...).
    const [i, f = ''] = v.toFixed(digits).split('.');
    return BigInt(i + f.padEnd(digits, '0'));
  };

  const strings = new StringTable();
  const main = mainBinary(header);
  const mappings: Mapping[] = [];
  const mappingIds = new Map<string, number>();
  const mappingOf = (file: string): number => {
    let id = mappingIds.get(file);
    if (id === undefined) {
      id = mappings.length + 1;
      mappingIds.set(file, id);
      mappings.push(new Mapping({ id, filename: strings.dedup(file), hasFunctions: true }));
    }
    return id;
  };
  mappingOf(main); // mapping 1: the main binary

  const functions: PFunction[] = [];
  const locations: Location[] = [];
  // One Function and Location per distinct frame name (ids = StackTable's frame id + 1: 0 means
  // "none"), added in id order after each profile's samples, as the stacks first name them.
  let named = 0;
  const addMissing = () => {
    for (let id = locations.length; id < named; id++) {
      const frame = frames[id];
      const name = strings.dedup(frame);
      const bin = frameBinary(frame);
      functions.push(new PFunction({ id: id + 1, name, systemName: name }));
      locations.push(new Location({ id: id + 1, mappingId: mappingOf(bin ?? main), line: [new Line({ functionId: id + 1 })] }));
    }
  };

  const hz = /\bprofile:hz:(\d+)\b/.exec(header.script);
  const periodNs = hz && Number(hz[1]) > 0 ? BigInt(Math.round(1e9 / Number(hz[1]))) : null;
  const samples: Sample[] = [];
  for (const p of profiles) {
    const { start, ids } = p;
    for (let si = 0; si < p.size; si++) {
      const a = start[si];
      const n = start[si + 1] - a;
      const locs = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const id = ids[a + i];
        if (id >= named) named = id + 1;
        locs[n - 1 - i] = id + 1; // leaf first
      }
      const count = valueOf(p.counts[si]);
      if (count > INT64_MAX || (periodNs !== null && count * periodNs > INT64_MAX)) {
        throw new ExportError(`${p.name}: the count ${count} of one stack does not fit pprof's 64-bit values; export folded or speedscope instead`);
      }
      const value: bigint[] = periodNs !== null && digits === 0 ? [count, count * periodNs] : [count];
      samples.push(new Sample({ locationId: locs, value: value.map((x) => (x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x)) }));
    }
    addMissing();
  }
  const started = Date.parse(header.startedAt);
  // A perf import weighted by a clock event's period holds CPU nanoseconds, not counts.
  let unit = sharedUnit(header, profiles.map((p) => p.name));
  if (unit === null) {
    warnings.push(`the maps measure different things (${profiles.map((p) => p.name).join(', ')}): one pprof sample type holds them as "samples"`);
    unit = COUNT_UNIT;
  }
  const countUnit = digits === 0 ? unit.unit : `${unit.unit}/${scale}`;
  const sampleType = [new ValueType({ type: strings.dedup(unit.type), unit: strings.dedup(countUnit) })];
  if (periodNs !== null && digits === 0) sampleType.push(new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') }));
  const profile = new Profile({
    sampleType,
    sample: samples,
    mapping: mappings,
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: Number.isFinite(started) ? BigInt(started) * 1_000_000n : 0,
    periodType:
      periodNs !== null && digits === 0
        ? new ValueType({ type: strings.dedup('cpu'), unit: strings.dedup('nanoseconds') })
        : new ValueType({ type: strings.dedup(unit.type), unit: strings.dedup(countUnit) }),
    period: periodNs !== null && digits === 0 ? periodNs : 1,
    comment: [
      strings.dedup(`kscope: ${profiles.map((p) => p.name).join(', ')} from: ${header.script.slice(0, 2000)}`),
      ...(digits > 0 ? [strings.dedup(`counts multiplied by ${scale}: fractional counts kept exact`)] : []),
    ],
  });
  return { bytes: gzipSync(profile.encode()), warnings };
}
