// What `kscope record` echoes for the script's own print()s and the exit dump: the text
// bpftrace itself prints in a terminal (`@name[key]: value`, histograms with their bars,
// `count N, average N, total N`), from the decoded events. Pure.
//
// Limits, because -f json loses them: tuple keys were joined with "," (bpftrace's text says
// ", "), so parts are shown as JSON gave them; stack maps are flame graphs here (their text
// is in the recording).
import type { AggregateEvent, Bucket } from '../../common/contract/index.js';
import { intText, isExactInt } from '../../common/contract/exact-int.js';
import { bucketLabel } from '../../common/format/hist-labels.js';

const BAR = 52;

function histText(buckets: readonly Bucket[]): string {
  // Like bpftrace: zero buckets at both ends are not printed.
  let lo = 0;
  let hi = buckets.length;
  while (lo < hi && buckets[lo]!.count === 0) lo++;
  while (hi > lo && buckets[hi - 1]!.count === 0) hi--;
  const shown = buckets.slice(lo, hi);
  const max = shown.reduce((m, b) => Math.max(m, b.count), 0);
  return shown
    .map((b) => {
      const bar = max > 0 ? '@'.repeat(Math.round((b.count * BAR) / max)) : '';
      return `${bucketLabel(b).padEnd(16)}${String(b.count).padStart(8)} |${bar.padEnd(BAR)}|\n`;
    })
    .join('');
}

/** A printed value: numbers and strings as they are, tuples as "(1, a)". */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (isExactInt(v) || typeof v === 'number') return intText(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `(${v.map(valueText).join(', ')})`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('count' in o && 'average' in o && 'total' in o) return `count ${valueText(o.count)}, average ${valueText(o.average)}, total ${valueText(o.total)}`;
    return JSON.stringify(v);
  }
  return String(v);
}

/** bpftrace's text joins tuple parts with ", " (-f json with ","; a comma inside a part cannot be told apart). */
const keyed = (name: string, key: string | null) => (key === null ? name : `${name}[${key.replace(/,/g, ', ')}]`);

/** One map print as bpftrace's text output shows it (with the blank line it prints after some). */
export function printText(ev: AggregateEvent): string {
  let out = '';
  if (ev.type === 'hist') {
    for (const e of ev.entries) out += `${keyed(ev.name, e.key)}: \n${histText(e.buckets)}\n`;
    return out;
  }
  for (const e of ev.entries) out += `${keyed(ev.name, e.key)}: ${valueText(e.value)}\n`;
  // bpftrace ends a stats() print with a blank line, a counting map's without.
  return ev.type === 'stats' && ev.entries.some((e) => typeof e.value === 'object') ? out + '\n' : out;
}
