// `kscope import FILE [--as folded|perf|bpftrace-text] [--output REC] [--name NAME]`:
// text users already have → a kscope recording (the same views, replay, exports, compare).
import { parseArgs } from 'node:util';
import { IMPORT_FORMATS, type ImportFormat, type TraceEvent } from '../common/contract/index.js';
import { defaultRecordingsDir } from '../node/recordings/writer.js';
import { enforceLibraryCap } from '../node/recordings/cap-after-write.js';
import { RecordingsLibrary } from '../node/recordings/library.js';
import { distinctName, importName } from '../common/import/import-name.js';
import { importFile, ImportError, importText, writeRecording, writeRecordingTo, type ImportResult } from '../node/imports/index.js';
import { foldedSourceOf } from '../common/import/folded.js';

export const IMPORT_HELP = `  kscope import FILE [--as folded|perf|bpftrace-text] [--output REC.ndjson] [--name NAME]
                    [--count-samples] [--raw-frames]
      Turn folded stacks (flamegraph.pl input), \`perf script\` output or bpftrace's terminal
      output into a recording (FILE - reads stdin). The format is detected unless --as says it.
      perf samples weigh their period (as stackcollapse-perf.pl and inferno); --count-samples
      counts each sample 1. perf frames are tidied as stackcollapse-perf.pl does (arguments
      cut, Java inline chains split); --raw-frames keeps them as perf printed them.
      Without --output it goes to the recordings library. Lines that could not be read are
      listed as FILE:LINE: reason; exit 0 when something was imported, 1 when nothing could be.`;

export interface CommandIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** The whole of stdin, for FILE "-". */
  stdin?: () => string;
}

const processIo: CommandIo = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
};

/** How many problems are printed one by one before "... and N more". */
const PRINTED_PROBLEMS = 50;

function describeImport(r: ImportResult): string {
  const parts: string[] = [];
  const aggregates = r.events.filter((e): e is Extract<TraceEvent, { type: 'map' | 'hist' | 'stats' }> => e.type === 'map' || e.type === 'hist' || e.type === 'stats');
  const last = new Map<string, number>();
  // A folded import's keys are built only when read: count its texts instead of building them.
  for (const a of aggregates) last.set(a.name, (a.type === 'map' ? foldedSourceOf(a)?.size : undefined) ?? a.entries.length);
  if (last.size > 0) parts.push([...last].map(([n, k]) => `${n} (${k} ${k === 1 ? 'key' : 'keys'})`).join(', '));
  const prints = aggregates.length - last.size;
  if (prints > 0) parts.push(`${prints} earlier print${prints === 1 ? '' : 's'}`);
  const printf = r.events.filter((e) => e.type === 'printf').length;
  if (printf > 0) parts.push(`${printf} printf line${printf === 1 ? '' : 's'}`);
  return parts.join(', ') || 'no maps';
}

export async function importCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let values: { as?: string; output?: string; name?: string; help?: boolean; 'count-samples'?: boolean; 'raw-frames'?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        as: { type: 'string' },
        output: { type: 'string', short: 'o' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'count-samples': { type: 'boolean' },
        'raw-frames': { type: 'boolean' },
      },
    }));
  } catch (e) {
    io.err(`kscope import: ${(e as Error).message}\n${IMPORT_HELP}\n`);
    return 2;
  }
  if (values.help) {
    io.out(IMPORT_HELP + '\n');
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(`kscope import: ${positionals.length === 0 ? 'which file? (FILE, or - for stdin)' : `one file at a time (got ${positionals.length})`}\n${IMPORT_HELP}\n`);
    return 2;
  }
  if (values.as !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(values.as)) {
    io.err(`kscope import: --as must be one of ${IMPORT_FORMATS.join(', ')} (got "${values.as}")\n`);
    return 2;
  }
  const as = values.as as ImportFormat | undefined;
  const file = positionals[0];
  const label = file === '-' ? 'stdin' : file;
  const perf = { weight: values['count-samples'] ? ('samples' as const) : ('period' as const), rawFrames: values['raw-frames'] ?? false };
  let r: ImportResult;
  try {
    if (file === '-' && io.stdin) r = importText(io.stdin(), as, { from: 'stdin', name: values.name, perf });
    // stdin is read in chunks like a file: bounded memory, binary refused from its first chunk,
    // UTF-16 decoded by its BOM.
    else r = importFile(file, as, file === '-' ? { from: 'stdin', name: values.name, perf } : { name: values.name, perf });
  } catch (e) {
    if (e instanceof ImportError) {
      printProblems(io, label, e.problems);
      io.err(`kscope import: ${label}: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    io.err(`kscope import: cannot read ${label}: ${err.code === 'ENOENT' ? 'no such file' : err.message}\n`);
    return 1;
  }
  printProblems(io, label, r.problems);
  let out: string;
  try {
    // Into the library: a name of its own (the user's, else file · format · time), never one it already has.
    if (!values.output) await nameImport(r, file, values.name);
    out = values.output ? writeRecordingTo(values.output, r.header, r.events) : writeRecording(defaultRecordingsDir(), r.header, r.events);
    // Into the library: its size cap applies as after a run.
    if (!values.output) await enforceLibraryCap(defaultRecordingsDir(), undefined, (l) => io.err(l + '\n'));
  } catch (e) {
    io.err(`kscope import: ${(e as Error).message}\n`);
    return 1;
  }
  const problems = r.problems.length > 0 ? `; ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} (above)` : '';
  io.err(`kscope: imported ${r.format} from ${label}: ${describeImport(r)}${problems}\n`);
  io.out(out + '\n');
  return 0;
}

function printProblems(io: CommandIo, label: string, problems: readonly { line: number; reason: string }[]): void {
  for (const p of problems.slice(0, PRINTED_PROBLEMS)) io.err(`${label}:${p.line}: ${p.reason}\n`);
  if (problems.length > PRINTED_PROBLEMS) io.err(`${label}: … and ${problems.length - PRINTED_PROBLEMS} more problems\n`);
}

async function nameImport(r: ImportResult, file: string, given: string | undefined): Promise<void> {
  const imported = (r.header.options as { imported?: { name?: string } } | null)?.imported;
  if (!imported) return;
  let taken: string[] = [];
  try {
    taken = (await new RecordingsLibrary({ dir: defaultRecordingsDir() }).list()).items.map((s) => s.name);
  } catch {
    // No library yet (or unreadable): nothing to tell apart from.
  }
  const wanted = given?.replace(/\s+/g, ' ').trim() || importName({ from: file, format: r.format, at: new Date(r.header.startedAt) });
  imported.name = distinctName(wanted, taken);
}
