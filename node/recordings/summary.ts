// Pure: a scan → the contract's RecordingSummary; search; which recordings the size cap removes.
import type { RecordingSummary } from '../../common/contract/index.js';
import { IMPORT_FORMATS } from '../../common/contract/index.js';
import type { ScanSummary } from './scan.js';
import { matchesRecording, scriptTitle } from '../../common/format/recordings.js';

export { scriptTitle };


export interface SummaryInput {
  id: string;
  path: string;
  /** The user's name, if they gave one. */
  userName: string | undefined;
  scan: ScanSummary;
  /** Its run is still going (the file is being written). */
  running: boolean;
}

export function toSummary({ id, path, userName, scan, running }: SummaryInput): RecordingSummary {
  const h = scan.header;
  const options = (h.options ?? {}) as { imported?: { format?: unknown; name?: unknown }; example?: { id?: unknown } };
  const fmt = options.imported?.format;
  const origin = (IMPORT_FORMATS as readonly unknown[]).includes(fmt) ? (fmt as RecordingSummary['origin']) : 'run';
  const example = typeof options.example?.id === 'string' ? options.example.id : null;
  // An import's script starts with a "// imported … from …" comment: that says more than its first statement.
  const importedAs = typeof options.imported?.name === 'string' && options.imported.name ? options.imported.name : /^\/\/ (imported .*)$/m.exec(h.script)?.[1];
  const fallback = (origin !== 'run' ? importedAs : null) || scriptTitle(h.script) || (origin !== 'run' ? `imported ${origin}` : id);
  return {
    id,
    name: userName ?? fallback,
    path,
    script: h.script,
    startedAt: h.startedAt,
    durationMs: scan.firstT !== null && scan.lastT !== null ? scan.lastT - scan.firstT : 0,
    events: scan.events,
    printfLines: scan.printfLines,
    lostEvents: scan.lostEvents,
    exit: scan.exit ? { code: scan.exit.code, signal: scan.exit.signal, ...(scan.exit.result ? { result: scan.exit.result } : {}), ...(scan.exit.forced ? { forced: true } : {}) } : null,
    interrupted: scan.exit === null && !running,
    running,
    problem: null,
    bytes: scan.bytes,
    maps: scan.maps,
    stackMaps: scan.stackMaps,
    origin,
    example,
  };
}

/**
 * A file that is not a readable recording (a future format, not kscope's, damaged header),
 * listed so the user sees it and can delete it: `problem` says why (the name too, for the CLI's
 * table), the script is empty, and it is not "interrupted".
 */
export function unreadableSummary(id: string, path: string, bytes: number, mtime: Date, problem: string, userName?: string): RecordingSummary {
  return {
    id,
    name: userName ? `${userName} (unreadable: ${problem})` : `unreadable: ${problem}`,
    path,
    script: '',
    startedAt: mtime.toISOString(),
    durationMs: 0,
    events: 0,
    printfLines: 0,
    lostEvents: 0,
    exit: null,
    interrupted: false,
    running: false,
    problem,
    bytes,
    maps: [],
    stackMaps: [],
    origin: 'run',
    example: null,
  };
}

export const UNREADABLE_PREFIX = 'unreadable: ';

/** The one search of recordings (common/format), for `kscope recordings QUERY` and the backend. */
export const matchesQuery = matchesRecording;

/** Newest first: by start time, then id. */
export function newestFirst(a: RecordingSummary, b: RecordingSummary): number {
  const ta = Date.parse(a.startedAt) || 0;
  const tb = Date.parse(b.startedAt) || 0;
  return tb - ta || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Which recordings to delete so the total fits `capBytes`: the oldest first, never one being
 * written (`keep`), and never the newest recording (the run the user just made, even when it
 * alone is over the cap). `items` newest first.
 */
export function overCap(items: readonly RecordingSummary[], capBytes: number, keep: (s: RecordingSummary) => boolean): RecordingSummary[] {
  let total = items.reduce((n, s) => n + s.bytes, 0);
  const out: RecordingSummary[] = [];
  for (let i = items.length - 1; i >= 1 && total > capBytes; i--) {
    if (keep(items[i])) continue;
    out.push(items[i]);
    total -= items[i].bytes;
  }
  return out;
}
