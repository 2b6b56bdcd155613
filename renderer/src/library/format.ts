// Pure pieces of the recordings library: filtering as the user types, and how a
// recording's facts read in the list (size, duration, start, exit). Tested in format.test.ts.
import type { RecordingSummary } from '../../../common/contract/index.js';
import { formatBytes } from '../../../common/format/bytes.js';
import { matchesRecording, scriptTitle } from '../../../common/format/recordings.js';

export { formatBytes } from '../../../common/format/bytes.js';
export { formatSpan } from '../../../common/format/span.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** When a run started, relative to `now`: "14:03:22" today, "yesterday 09:15", else "2026-11-20 09:15". */
export function formatStart(iso: string, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const day = (x: Date) => `${x.getFullYear()}-${pad(x.getMonth() + 1)}-${pad(x.getDate())}`;
  if (day(d) === day(now)) return `${time}:${pad(d.getSeconds())}`;
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (day(d) === day(yesterday)) return `yesterday ${time}`;
  return `${day(d)} ${time}`;
}

export type ExitTone = 'ok' | 'bad' | 'signal' | 'none';

/** How a recording ended: "exit 0", "exit 1", "SIGINT" (the user stopped it), or "—" (interrupted / import). */
export function exitLabel(s: Pick<RecordingSummary, 'exit' | 'interrupted' | 'origin'> & { running?: boolean }): { text: string; tone: ExitTone } {
  if (s.origin !== 'run') return { text: 'imported', tone: 'none' };
  if (s.running) return { text: 'running', tone: 'none' };
  if (!s.exit) return { text: '—', tone: 'none' };
  if (s.exit.signal) return { text: s.exit.signal, tone: 'signal' };
  if (s.exit.code === null) return { text: 'exit ?', tone: 'none' };
  return { text: `exit ${s.exit.code}`, tone: s.exit.code === 0 ? 'ok' : 'bad' };
}

/** The script's first meaningful line, for the list (the same title the CLI shows). */
export function scriptLine(script: string): string {
  return scriptTitle(script, 120);
}

/** Recordings matching what the user typed (the CLI's search, common/format); the order of `items` (newest first) is kept. */
export function filterRecordings<T extends RecordingSummary>(items: readonly T[], query: string): T[] {
  return items.filter((s) => matchesRecording(s, query));
}

/** The library's use of its cap: "1.2 MB of 1.0 GB (0.1%)", and whether it is nearly full. */
export function capUsage(totalBytes: number, capBytes: number): { text: string; fraction: number; nearlyFull: boolean } {
  if (!(capBytes > 0)) return { text: `${formatBytes(totalBytes)} (no cap)`, fraction: 0, nearlyFull: false };
  const fraction = Math.min(1, totalBytes / capBytes);
  const pct = fraction * 100;
  return {
    text: `${formatBytes(totalBytes)} of ${formatBytes(capBytes)} (${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%)`,
    fraction,
    nearlyFull: fraction >= 0.9,
  };
}
