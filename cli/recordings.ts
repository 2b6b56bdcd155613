// `kscope recordings [--json] [QUERY]`: the recordings library in a terminal (the same
// library the app lists, with the same cache, cap and names).
import { parseArgs } from 'node:util';
import { formatBytes } from '../common/format/bytes.js';
import { formatSpan } from '../common/format/span.js';
import type { RecordingSummary, Result } from '../common/contract/index.js';
import { defaultRecordingsDir } from '../node/recordings/writer.js';
import { RecordingsLibrary } from '../node/recordings/index.js';

export const RECORDINGS_HELP = `  kscope recordings [--json] [QUERY]
      The kept runs and imports, newest first (id, name, start, duration, events, lost,
      exit or interrupted, size); QUERY keeps those whose name, script, example or maps
      contain every word. Open one with kscope export ID … or in the app.`;

export interface RecordingsCommandDeps {
  dir?: string;
  settingsPath?: string;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

/** How a recording ended, in a word or two. */
export function endOf(s: RecordingSummary): string {
  if (s.name.startsWith('unreadable: ')) return 'unreadable';
  if (s.interrupted) return 'interrupted';
  if (!s.exit) return 'running';
  if (s.exit.signal) return `signal ${s.exit.signal}`;
  return `exit ${s.exit.code ?? '?'}`;
}

function cut(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

export function recordingsTable(r: Result<'recordings'>): string[] {
  const rows = r.items.map((s) => [
    s.id,
    cut(s.name, 40),
    s.startedAt.slice(0, 19).replace('T', ' '),
    formatSpan(s.durationMs),
    String(s.events),
    String(s.lostEvents),
    endOf(s),
    formatBytes(s.bytes),
  ]);
  const head = ['ID', 'NAME', 'STARTED (UTC)', 'DURATION', 'EVENTS', 'LOST', 'END', 'SIZE'];
  const right = new Set([3, 4, 5, 7]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

export async function recordingsCommand(argv: string[], deps: RecordingsCommandDeps = {}): Promise<number> {
  const out = deps.out ?? ((s: string) => process.stdout.write(s + '\n'));
  const err = deps.err ?? ((s: string) => process.stderr.write(s + '\n'));
  let values: { json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } }));
  } catch (e) {
    err(`kscope recordings: ${(e as Error).message}\nUsage:\n${RECORDINGS_HELP}`);
    return 2;
  }
  const query = positionals.join(' ');
  const lib = new RecordingsLibrary({ dir: deps.dir ?? defaultRecordingsDir(), settingsPath: deps.settingsPath });
  let r: Result<'recordings'>;
  try {
    r = await lib.list(query);
  } catch (e) {
    err(`kscope: cannot read the recordings in ${lib.dir}: ${(e as Error).message}`);
    return 1;
  }
  if (values.json) {
    out(JSON.stringify(r, null, 2));
    return query && r.items.length === 0 ? 1 : 0;
  }
  if (r.items.length === 0) {
    err(query ? `kscope: no recordings match '${query}' in ${r.dir}` : `kscope: no recordings yet in ${r.dir} (kscope record … keeps one per run)`);
    return query ? 1 : 0;
  }
  for (const l of recordingsTable(r)) out(l);
  err(`${r.items.length} recording${r.items.length === 1 ? '' : 's'} · ${formatBytes(r.totalBytes)} of ${formatBytes(r.capBytes)} cap · ${r.dir}`);
  return 0;
}
