// Pure pieces of the recordings library: filtering as the user types, and how a
// recording's facts read in the list (size, duration, start, exit). Tested in format.test.ts.
import type { RecordingSummary } from '../../../common/contract/index.js';

/** 1536 → "1.5 KB"; binary units, as `du -h` and file managers show sizes. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** A run's length for the list: "850 ms", "12.3 s", "4 m 05 s", "2 h 03 m". */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.floor(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} m`;
  return `${m} m ${String(sec).padStart(2, '0')} s`;
}

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

/** The script's first meaningful line (not a comment, not blank), for the list. */
export function scriptLine(script: string): string {
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('//') || line.startsWith('#') || line.startsWith('/*') || line.startsWith('*')) continue;
    return line.length > 120 ? `${line.slice(0, 119)}…` : line;
  }
  return script.trim().split('\n')[0]?.slice(0, 120) ?? '';
}

/**
 * Recordings matching what the user typed: every word must appear (case-insensitive) in
 * the name, the script, the id, the origin, a map name, or a tag (`interrupted`, `running`,
 * `unreadable`, `lost`, `stacks`, `imported`). The order of `items` (newest first) is kept.
 */
export function filterRecordings<T extends RecordingSummary>(items: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items.slice();
  return items.filter((s) => {
    const tags = [
      s.interrupted ? 'interrupted' : '',
      s.running ? 'running recording' : '',
      s.problem ? `unreadable ${s.problem}` : '',
      s.lostEvents > 0 ? 'lost' : '',
      s.stackMaps.length > 0 ? 'flame stacks profile' : '',
      s.origin !== 'run' ? `imported ${s.origin}` : '',
      s.example ?? '',
    ];
    const hay = [s.name, s.script, s.id, ...s.maps, ...tags].join('\n').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
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
