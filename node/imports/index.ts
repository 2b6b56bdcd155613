// Imports: text users already have (folded stacks, `perf script` output, bpftrace's terminal
// output) → a kscope recording (header + events, the same NDJSON a run writes), so the
// same views, replay, exports and compare work on it. The parsers are pure; this module
// adds format detection, the header, and the two shells (write a recording, read a file
// in chunks).
import fs from 'node:fs';
import { openOutputSync } from '../output/safe-output.js';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RECORDING_FORMAT, type ImportFormat, type RecordingHeader, type TraceEvent } from '../../common/contract/index.js';
import { recordingFileName } from '../recordings/writer.js';
import { BpftraceTextParser } from '../../common/import/bpftrace-text.js';
import { LineSplitter, unreadableText, type ImportProblem, type LineParser, type ParseResult } from '../../common/import/common.js';
import { FoldedParser, foldedSourceOf } from '../../common/import/folded.js';
import { writeFoldedMapLine } from './folded-map-line.js';
import { ImportTextDecoder } from './text-decoder.js';
import { PerfScriptParser, type PerfImportOptions } from '../../common/import/perf-script.js';
import { detectImportFormat } from '../../common/import/detect.js';

export { detectImportFormat };

export type { ImportProblem, ParseResult } from '../../common/import/common.js';
export { parseFolded, FoldedStream, FOLDED_MAP } from '../../common/import/folded.js';
export { parsePerfScript, type PerfImportOptions } from '../../common/import/perf-script.js';
export { parseBpftraceText } from '../../common/import/bpftrace-text.js';

export interface ImportMeta {
  /** The user's name for the import. */
  name?: string;
  /** Where the text came from (a file path; absent: pasted). */
  from?: string;
  /** How a perf script import weighs samples and tidies frames. */
  perf?: PerfImportOptions;
}

export interface ImportResult {
  format: ImportFormat;
  header: RecordingHeader;
  events: TraceEvent[];
  problems: ImportProblem[];
}

/** The input cannot be imported at all (empty, binary, not a known format, nothing readable in it). */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly problems: ImportProblem[] = [],
  ) {
    super(message);
  }
}

const LABEL: Record<ImportFormat, string> = {
  folded: 'folded stacks',
  perf: 'perf script output',
  'bpftrace-text': 'bpftrace text output',
};


function parserFor(format: ImportFormat, meta: ImportMeta): LineParser {
  switch (format) {
    case 'folded':
      return new FoldedParser();
    case 'perf':
      return new PerfScriptParser(meta.perf);
    case 'bpftrace-text':
      return new BpftraceTextParser();
  }
}

function undetected(): ImportError {
  return new ImportError(
    'could not tell what this text is: expected folded stacks ("frame;frame;frame COUNT" lines), `perf script` output, or bpftrace text output (Attaching N probes..., @map lines); name the format with --as folded|perf|bpftrace-text',
  );
}

/** The recording header of an import: what was imported from where, no bpftrace or kernel. */
export function importHeader(format: ImportFormat, meta: ImportMeta = {}, script: string | null = null, startedAt = new Date()): RecordingHeader {
  const from = meta.from ?? null;
  const comment = `// imported ${LABEL[format]} from ${from ?? 'pasted text'}`;
  const imported: Record<string, unknown> = { format, from };
  if (meta.name) imported.name = meta.name;
  if (format === 'perf') imported.perf = { weight: meta.perf?.weight ?? 'period', rawFrames: meta.perf?.rawFrames ?? false };
  return {
    type: 'header',
    format: RECORDING_FORMAT,
    script: script ? `${comment}\n${script}` : comment,
    options: { imported },
    bpftraceVersion: null,
    kernelRelease: '',
    startedAt: startedAt.toISOString(),
  };
}

function finishImport(format: ImportFormat, r: ParseResult & { script?: string | null }, meta: ImportMeta): ImportResult {
  if (r.events.length === 0) {
    const first = r.problems[0];
    throw new ImportError(
      `nothing could be imported as ${LABEL[format]}${first ? `: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}, the first on line ${first.line}: ${first.reason}` : ''}`,
      r.problems,
    );
  }
  let t = 0;
  for (const e of r.events) if (e.t > t) t = e.t;
  // An exit line, so the library does not list the import as an interrupted run.
  const events: TraceEvent[] = [...r.events, { type: 'exit', t, code: 0, signal: null }];
  return { format, header: importHeader(format, meta, r.script ?? null), events, problems: r.problems };
}

/** Import a whole text (a paste, a small file). Throws ImportError when nothing can be imported. */
export function importText(text: string, as?: ImportFormat, meta: ImportMeta = {}): ImportResult {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const bad = unreadableText(text);
  if (bad) throw new ImportError(bad);
  const format = as ?? detectImportFormat(text);
  if (!format) throw undetected();
  const s = new ImportStream(format, meta);
  s.push(text);
  return s.end();
}

/** Text a stream holds back to detect the format from, when it was not named. */
const DETECT_BYTES = 64 * 1024;

/**
 * An import fed in chunks (a file read in pieces, a socket): the input is never one string.
 * Without a format, the first 64 KiB are held to detect it.
 */
export class ImportStream {
  private parser: LineParser | null = null;
  private splitter: LineSplitter | null = null;
  private head = '';

  constructor(
    private format: ImportFormat | undefined,
    private readonly meta: ImportMeta = {},
  ) {}

  push(chunk: string): void {
    if (this.splitter) {
      this.splitter.push(chunk);
      return;
    }
    // A byte-order mark decoded into the text (a paste, stdin) is not part of the first line.
    if (this.head === '' && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    this.head += chunk;
    if (this.head.length >= DETECT_BYTES) this.start();
  }

  private start(): void {
    const bad = unreadableText(this.head);
    if (bad) throw new ImportError(bad);
    this.format ??= detectImportFormat(this.head) ?? undefined;
    if (!this.format) throw undetected();
    const p = parserFor(this.format, this.meta);
    this.parser = p;
    this.splitter = new LineSplitter((l, n) => p.line(l, n));
    this.splitter.push(this.head);
    this.head = '';
  }

  end(): ImportResult {
    if (!this.splitter) this.start();
    this.splitter!.end();
    return finishImport(this.format!, this.parser!.finish(), this.meta);
  }
}

/** Bytes read per chunk by importFile. */
const CHUNK = 1 << 20;

/** Import a file read in 1 MiB chunks (a 35 MB folded file is never one string); UTF-8, or UTF-16 with its BOM. */
export function importFile(file: string, as?: ImportFormat, meta: ImportMeta = {}): ImportResult {
  // `-` is stdin, read in the same chunks (binary data is refused from its first chunk).
  const fd = file === '-' ? 0 : fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new ImportTextDecoder();
    const stream = new ImportStream(as, { from: file, ...meta });
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      stream.push(decoder.write(buf.subarray(0, n)));
    }
    const tail = decoder.end();
    if (tail) stream.push(tail);
    return stream.end();
  } finally {
    if (fd !== 0) fs.closeSync(fd);
  }
}

/** Write an import as a recording in `dir`, named like a run's; returns its path. */
export function writeRecording(dir: string, header: RecordingHeader, events: readonly TraceEvent[], id?: string): string {
  const fmt = (header.options as { imported?: { format?: string } } | null)?.imported?.format ?? 'text';
  const name = recordingFileName(new Date(header.startedAt), id ?? `import-${fmt}-${randomBytes(3).toString('hex')}`);
  return writeRecordingTo(path.join(dir, name), header, events);
}

/** Write a recording to exactly this path (the CLI's --output). */
export function writeRecordingTo(file: string, header: RecordingHeader, events: readonly TraceEvent[]): string {
  if (file !== '-') fs.mkdirSync(path.dirname(file), { recursive: true });
  // A regular file appears whole or not at all; /dev/null, a FIFO or `-` is written in place.
  const o = openOutputSync(file, { mode: 0o600 });
  try {
    const out = new BufferedWriter(o.fd);
    out.write(JSON.stringify(header) + '\n');
    for (const e of events) writeEventLine(out, e);
    out.flush();
    o.commit();
  } catch (e) {
    o.abort();
    throw new Error(`could not write ${file}: ${(e as Error).message}`, { cause: e });
  }
  return file;
}

/**
 * One event a line, the bytes JSON.stringify(e) gives. A map with many entries (a 100k-stack
 * import) is written a few thousand entries at a time, so its line never exists as one 50 MB
 * string (and JSON.stringify over a batch is faster than over each entry).
 */
function writeEventLine(out: BufferedWriter, e: TraceEvent): void {
  const folded = e.type === 'map' ? foldedSourceOf(e) : null;
  if (folded && e.type === 'map') {
    // A folded import's entries not built yet: written from the folded texts (no key strings).
    writeFoldedMapLine(e, folded, (b) => out.writeBytes(b));
    return;
  }
  if ((e.type === 'map' || e.type === 'hist' || e.type === 'stats') && e.entries.length > ENTRY_BATCH) {
    const shell = JSON.stringify({ ...e, entries: [] });
    const at = shell.indexOf('"entries":[]') + '"entries":['.length;
    out.write(shell.slice(0, at));
    const entries = e.entries as readonly unknown[];
    for (let i = 0; i < entries.length; i += ENTRY_BATCH) {
      const batch = JSON.stringify(entries.slice(i, i + ENTRY_BATCH));
      out.write((i > 0 ? ',' : '') + batch.slice(1, -1));
    }
    out.write(shell.slice(at) + '\n');
  } else out.write(JSON.stringify(e) + '\n');
}

const ENTRY_BATCH = 4096;

class BufferedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) this.flush();
  }
  /** Bytes after what was written before them. */
  writeBytes(b: Uint8Array): void {
    this.flush();
    let off = 0;
    while (off < b.length) off += fs.writeSync(this.fd, b, off);
  }
  flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.size = 0;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off);
  }
}
