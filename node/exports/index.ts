// Exports: pure functions from a recording file to bytes, the same code behind the UI's Export
// menu and `kscope export`. Each format is one module; this one reads the recording (one
// streaming pass, bounded memory), refuses clearly before writing anything, and writes to a
// stream or to a path (a regular file through a temporary one renamed over it, so a failed
// export leaves no file behind; a device, FIFO or symlink written in place: output/).
import { openOutput, OutputError } from '../output/safe-output.js';
import type { AggregateEvent, ExportFormat } from '../../common/contract/index.js';
import { writeChromeTrace } from './chrome-trace.js';
import { writeCsv } from './csv.js';
import { ExportError } from '../../common/export/errors.js';
import { writeFolded } from './folded.js';
import { copyRecording, writeMapJson } from './json.js';
import { encodePprof } from './pprof.js';
import { eachEntry, readRecordingHeader, scanRecording, type RecordingScan } from '../recordings/recording-stream.js';
import { StackTable } from '../../common/export/stack-table.js';
import { Sink } from './sink.js';
import { writeSpeedscope } from './speedscope.js';
import { foldedProfileOf, foldStackMap, selectStackMaps } from './stack-maps.js';
import { flameFrames, renderFlameSvg } from './svg.js';

export { ExportError } from '../../common/export/errors.js';
export { RecordingFormatError } from '../recordings/writer.js';
export { diffRecordings, diffFoldedText, diffSvg, diffTree, loadDiffSide, parseFoldedText, type DiffResult, type DiffSide, type FoldedStacks } from './diff.js';
export { scanRecording, readRecordingHeader, type RecordingScan } from '../recordings/recording-stream.js';
export { stackMapsOf, noStacksMessage, foldedProfileOf, type FoldedProfile } from './stack-maps.js';

export interface ExportOptions {
  /** A map name ("@stacks" or "stacks"): the stack map for stack formats, the one map for csv/json/chrome-trace. */
  map?: string;
  /** Written into the files that name their producer (speedscope, chrome-trace). */
  exporter?: string;
}

export interface ExportResult {
  bytes: number;
  warnings: string[];
  mime: string;
  /** Without the dot, e.g. "folded", "speedscope.json", "pb.gz". */
  extension: string;
}

export const EXPORT_TYPES: Record<ExportFormat, { mime: string; extension: string }> = {
  folded: { mime: 'text/plain', extension: 'folded' },
  speedscope: { mime: 'application/json', extension: 'speedscope.json' },
  pprof: { mime: 'application/gzip', extension: 'pb.gz' },
  'chrome-trace': { mime: 'application/json', extension: 'trace.json' },
  csv: { mime: 'text/csv', extension: 'csv' },
  svg: { mime: 'image/svg+xml', extension: 'svg' },
  json: { mime: 'application/json', extension: 'json' },
};

const STACK_FORMATS = new Set<ExportFormat>(['folded', 'speedscope', 'pprof', 'svg']);

function findMap(scan: RecordingScan, map: string): AggregateEvent {
  const ev = scan.last.get(map) ?? scan.last.get(`@${map}`);
  if (!ev) {
    const names = [...scan.last.keys()];
    throw new ExportError(`no map ${map} in this recording ${names.length > 0 ? `(maps: ${names.join(', ')})` : '(it has no maps)'}`);
  }
  return ev;
}

function scanWarnings(scan: RecordingScan): string[] {
  const w: string[] = [];
  if (scan.torn) w.push('the recording ends with a cut line (the run was interrupted): exported what was written');
  if (scan.invalidCount > 0) {
    const first = scan.invalid[0];
    w.push(`${scan.invalidCount} line${scan.invalidCount === 1 ? '' : 's'} not understood and skipped (first: line ${first.line}, ${first.reason})`);
  }
  return w;
}

/** The body of an export once the recording is known to fit the format. */
type Writer = (sink: Sink) => Promise<string[]>;

async function plan(recPath: string, format: ExportFormat, opts: ExportOptions): Promise<{ write: Writer; warnings: string[] }> {
  const exporter = opts.exporter ?? 'kscope';
  if (format === 'json' && opts.map === undefined) {
    // The recording itself, byte for byte (format 2: its prints rebuilt whole, as format 1): only the header is checked (a future format is refused too).
    const header = await readRecordingHeader(recPath);
    return { warnings: [], write: async (sink) => (await copyRecording(recPath, sink, header.format), []) };
  }
  // Stack formats read the map's entries one at a time from its raw print (svg folds a tree from all of them).
  const scan = await scanRecording(recPath, { lazyMaps: STACK_FORMATS.has(format) && format !== 'svg' });
  const warnings = scanWarnings(scan);
  if (STACK_FORMATS.has(format)) {
    const maps = selectStackMaps(scan, format, opts.map);
    // Several stack maps: each stack starts with its map's name (speedscope has a profile each instead).
    const prefixed = maps.length > 1 && format !== 'speedscope';
    if (prefixed) warnings.push(`${maps.length} stack maps (${maps.map((m) => m.name).join(', ')}): each stack starts with its map's name; pick one with --map`);
    const noSamples = () => new ExportError(`${maps.map((m) => m.name).join(', ')} ${maps.length === 1 ? 'has' : 'have'} no samples: ${format} would be empty`);
    const release = () => {
      // The parsed prints are no longer needed: let them go before writing (memory ≈ the input once).
      scan.last.clear();
      maps.length = 0;
    };
    const folded = () => {
      const ps = maps.map((m) => foldedProfileOf(m, prefixed ? m.name : undefined));
      if (ps.every((p) => p.total === 0)) throw noSamples();
      release();
      return ps;
    };
    // speedscope and pprof name frames by id: folded to ids straight from the keys.
    const byIds = () => {
      const table = new StackTable();
      const ps = maps.map((m) => table.add(m.name, () => eachEntry(m), prefixed ? m.name : undefined));
      if (ps.every((p) => Number(p.total) === 0)) throw noSamples();
      release();
      return { ps, frames: table.finish() };
    };
    switch (format) {
      case 'folded': {
        const ps = folded();
        return { warnings, write: async (sink) => (await writeFolded(ps, sink), []) };
      }
      case 'speedscope': {
        const { ps, frames } = byIds();
        return { warnings, write: async (sink) => (await writeSpeedscope(ps, frames, scan.header, sink, exporter), []) };
      }
      case 'pprof': {
        const { ps, frames } = byIds();
        return {
          warnings,
          write: async (sink) => {
            const r = encodePprof(ps, frames, scan.header);
            await sink.writeBytes(r.bytes);
            return r.warnings;
          },
        };
      }
      default: {
        const profiles = maps.map(foldStackMap);
        if (profiles.every((p) => p.total === 0)) throw new ExportError(`${maps.map((m) => m.name).join(', ')} ${maps.length === 1 ? 'has' : 'have'} no samples: svg would be empty`);
        const title = `Flame Graph: ${profiles.map((p) => p.name).join(', ')}`;
        const subtitle = `${profiles.reduce((a, p) => a + p.total, 0).toLocaleString('en-US')} samples · ${scan.header.startedAt} · ${scan.header.script.split('\n')[0].slice(0, 100)}`;
        return {
          warnings,
          write: async (sink) => {
            sink.push(renderFlameSvg(flameFrames(profiles), { title, subtitle }));
            await sink.flush();
            return [];
          },
        };
      }
    }
  }
  if (format === 'json') {
    const ev = findMap(scan, opts.map!);
    return { warnings, write: async (sink) => (await writeMapJson(ev, sink), []) };
  }
  if (format === 'csv') {
    const maps = opts.map !== undefined ? [findMap(scan, opts.map)] : [...scan.last.values()];
    if (maps.length === 0) throw new ExportError('this recording has no maps or histograms; csv needs them — try json (the whole recording) or chrome-trace (printf lines)');
    return { warnings, write: async (sink) => (await writeCsv(maps, sink), []) };
  }
  // chrome-trace
  const only = opts.map !== undefined ? findMap(scan, opts.map).name : undefined;
  return { warnings, write: (sink) => writeChromeTrace(recPath, scan, sink, exporter, only) };
}

/**
 * Export the recording at `recPath` as `format` to a stream (left open) or a file path.
 * Refusals (ExportError, RecordingFormatError) come before a single byte is written.
 */
export async function exportRecording(
  recPath: string,
  format: ExportFormat,
  out: NodeJS.WritableStream | string,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  if (!(format in EXPORT_TYPES)) throw new ExportError(`unknown export format ${String(format)} (formats: ${Object.keys(EXPORT_TYPES).join(', ')})`);
  const { write, warnings } = await plan(recPath, format, opts);
  const { mime, extension } = EXPORT_TYPES[format];
  if (typeof out !== 'string') {
    const sink = new Sink(out);
    warnings.push(...(await write(sink)));
    await sink.flush();
    return { bytes: sink.bytes, warnings, mime, extension };
  }
  // A regular file is replaced atomically; /dev/null, a FIFO, /dev/stdout are written in place.
  let opened;
  try {
    opened = await openOutput(out);
  } catch (e) {
    throw e instanceof OutputError ? new ExportError(e.message) : e;
  }
  try {
    const sink = new Sink(opened.stream);
    warnings.push(...(await write(sink)));
    await sink.flush();
    await opened.commit();
    return { bytes: sink.bytes, warnings, mime, extension };
  } catch (e) {
    await opened.abort();
    throw e instanceof OutputError ? new ExportError(e.message) : e;
  }
}
