// `kscope export REC --format F [--map M] [--output OUT]` and `kscope diff A B --format
// folded|svg [--output OUT]`: thin shells over node/exports (the same bytes as the UI's
// Export menu). Exit codes: 0 done, 1 the export failed or was refused, 2 bad usage.
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, type ExportFormat } from '../common/contract/index.js';
import { openOutput, OutputError, writeModeFor } from '../node/output/safe-output.js';
import { InputError, openInput } from '../node/output/input-file.js';
import { diffFoldedText, diffSvg, diffTree, ExportError, exportRecording, loadDiffSide, RecordingFormatError } from '../node/exports/index.js';

export const EXPORT_HELP = `  kscope export REC.ndjson --format ${EXPORT_FORMATS.join('|')} [--map @NAME] [--output OUT]
      Write a recording in a format other tools read (stdout without --output): folded stacks
      (flamegraph.pl, inferno), speedscope, pprof (go tool pprof, Pyroscope), chrome-trace
      (Perfetto), csv, a standalone flame graph svg, json (the recording, or --map's last print).`;

export const DIFF_HELP = `  kscope diff A B --format folded|svg [--map-a @NAME] [--map-b @NAME] [--output OUT]
      Compare two recordings' stack maps (or two folded files), A = before, B = after:
      folded prints "stack countA countB" (difffolded.pl), svg a differential flame graph
      (red: larger share of samples in B, blue: smaller).`;

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

const defaultIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr });

class Usage extends Error {}

function parse(argv: string[], options: Record<string, { type: 'string' | 'boolean'; short?: string }>) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new Usage((e as Error).message);
  }
}

/** Map a failure to its message and exit code; anything unexpected is a failure (1) with its message. */
function report(e: unknown, io: CliIo, cmd: string, help: string): number {
  if (e instanceof Usage) {
    io.stderr.write(`kscope ${cmd}: ${e.message}\nUsage:\n${help}\n`);
    return 2;
  }
  const err = e as NodeJS.ErrnoException;
  // The reader went away (`kscope export ... | head`): nothing to say.
  if (err.code === 'EPIPE') return 0;
  const msg =
    e instanceof ExportError || e instanceof RecordingFormatError || e instanceof OutputError || e instanceof InputError
      ? err.message
      : err.code === 'ENOENT' && err.path
        ? `no such file: ${err.path}`
        : err.code === 'EACCES' && err.path
          ? `permission denied: ${err.path}`
          : (err.message ?? String(e));
  io.stderr.write(`kscope ${cmd}: ${msg}\n`);
  return 1;
}

export async function exportCommand(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    const { values, positionals } = parse(argv, {
      format: { type: 'string', short: 'f' },
      map: { type: 'string', short: 'm' },
      output: { type: 'string', short: 'o' },
    });
    if (positionals.length !== 1) throw new Usage(positionals.length === 0 ? 'which recording? kscope export REC.ndjson --format F' : `one recording at a time (got ${positionals.length})`);
    const format = values.format as string | undefined;
    if (!format) throw new Usage(`--format is required (${EXPORT_FORMATS.join(', ')})`);
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new Usage(`unknown format ${format} (formats: ${EXPORT_FORMATS.join(', ')})`);
    const output = values.output as string | undefined;
    if (format === 'pprof' && !output && io.stdout.isTTY) throw new Usage('pprof is binary (gzip): write it to a file with --output FILE.pb.gz, or pipe it');
    const input = openInput(positionals[0]);
    let r;
    try {
      r = await exportRecording(input.path, format as ExportFormat, output === undefined || writeModeFor(output).mode === 'stdout' ? io.stdout : output, { map: values.map as string | undefined, exporter: 'kscope export' });
    } finally {
      input.done();
    }
    for (const w of r.warnings) io.stderr.write(`kscope export: warning: ${w}\n`);
    if (output && writeModeFor(output).mode !== 'stdout') io.stderr.write(`kscope export: wrote ${output} (${r.bytes.toLocaleString('en-US')} bytes, ${format})\n`);
    return 0;
  } catch (e) {
    return report(e, io, 'export', EXPORT_HELP);
  }
}

export async function diffCommand(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  try {
    const { values, positionals } = parse(argv, {
      format: { type: 'string', short: 'f' },
      'map-a': { type: 'string' },
      'map-b': { type: 'string' },
      map: { type: 'string', short: 'm' },
      output: { type: 'string', short: 'o' },
    });
    if (positionals.length !== 2) throw new Usage(`diff compares two recordings (or folded files): kscope diff A B --format folded|svg (got ${positionals.length})`);
    const format = (values.format as string | undefined) ?? 'folded';
    if (format !== 'folded' && format !== 'svg') throw new Usage(`diff writes folded or svg (got ${format})`);
    const map = values.map as string | undefined;
    const [pa, pb] = positionals;
    if (pa === '-' && pb === '-') throw new Usage('only one side can be read from stdin (-)');
    const ia = openInput(pa);
    let a, b;
    try {
      const ib = openInput(pb);
      try {
        [a, b] = await Promise.all([loadDiffSide(ia.path, (values['map-a'] as string | undefined) ?? map, ia.label), loadDiffSide(ib.path, (values['map-b'] as string | undefined) ?? map, ib.label)]);
      } finally {
        ib.done();
      }
    } finally {
      ia.done();
    }
    const text =
      format === 'folded'
        ? diffFoldedText(a.stacks, b.stacks)
        : diffSvg(diffTree(a.stacks, b.stacks), {
            title: `Differential Flame Graph: ${a.map} → ${b.map}`,
            subtitle: `A ${pa}: ${a.total.toLocaleString('en-US')} samples · B ${pb}: ${b.total.toLocaleString('en-US')} samples`,
          });
    const output = values.output as string | undefined;
    if (output) {
      const o = await openOutput(output, { stdout: io.stdout, stderr: io.stderr });
      try {
        await new Promise<void>((resolve, reject) => o.stream.write(text, (e?: Error | null) => (e ? reject(e) : resolve())));
        await o.commit();
      } catch (e) {
        await o.abort();
        throw e;
      }
      if (o.mode !== 'stdout') io.stderr.write(`kscope diff: wrote ${output} (${Buffer.byteLength(text).toLocaleString('en-US')} bytes, ${format})\n`);
    } else await new Promise<void>((resolve, reject) => io.stdout.write(text, (e?: Error | null) => (e ? reject(e) : resolve())));
    return 0;
  } catch (e) {
    return report(e, io, 'diff', DIFF_HELP);
  }
}
