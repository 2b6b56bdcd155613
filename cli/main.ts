#!/usr/bin/env node
// `kscope`: dispatches to one file per command (record.ts, serve.ts, catalog.ts, export.ts, ...), the same backend as the app, in a terminal.

import { createBackend } from '../node/backend.js';
import { capabilitiesCommand } from './capabilities.js';
import { examplesCommand, loadGallery } from './examples.js';
import { DIFF_HELP, EXPORT_HELP, diffCommand, exportCommand } from './export.js';
import { IMPORT_HELP, importCommand } from './import.js';
import { RECORDINGS_HELP, recordingsCommand } from './recordings.js';
import { fail } from './fail.js';
import { record } from './record.js';
import { catalogCommand } from './catalog.js';
import { serve } from './serve.js';
import { capabilitiesOnHosts } from './capabilities-hosts.js';
import { catalogOnHosts } from './catalog-hosts.js';
import { packageVersion } from '../node/paths.js';

const HELP = `kscope — a trace explorer over bpftrace

Usage:
  kscope record [FILE.bt | -e SCRIPT | --example ID] [--duration SECONDS] [--output REC.ndjson]
                [--snapshot-ms N] [-p PID] [-c CMD] [--unsafe] [-- ARGS...]
      Run a script, print its output and a live summary, keep everything in a recording.
      Exit 0 when bpftrace ran and exited normally; errors print FILE:LINE:COL: message.
      --example ID runs a gallery example (or its equivalent when this kernel lacks what it needs).
      ARGS are the script's positional parameters $1..$N; -p PID traces one process and -c CMD
      runs a command and traces it (both end the run when the process exits), as in bpftrace.
  kscope record --host [USER@]HOST[:PORT] [--host ...] [FILE.bt | -e SCRIPT] [--output DIR]
                [--ssh-config FILE] [--ssh-option KEY=VALUE] [--idle-ms N] [--alive-interval S]
      The same script on every host over your ssh (BatchMode; your config, keys and agent):
      one recording per host (header: host, kernel, bpftrace) grouped under one run. A host
      that fails is marked with the reason; the others go on. Copies kscope there if missing
      (the far side needs Node 20+).
  kscope examples [--json]
      The example gallery (the seed's twelve lessons and more), and what runs here.
  kscope capabilities [--json] [--host [USER@]HOST[:PORT] ... [--ssh-config FILE]]
      What this kernel and this bpftrace can trace, and why not when they cannot.
  kscope catalog [PATTERN] [--json] [--describe PROBE] [--binary PATH] [--pid PID] [--types a,b]
  kscope catalog [PATTERN] --host HOST [--host ...] [--json] [--ssh-config FILE]
      Each host's probes matching PATTERN, and which probes some hosts have and others lack.
      List probes (bpftrace -l globs like 'tracepoint:syscalls:sys_enter_*', or plain words,
      ranked fuzzy); --describe prints a probe's fields, availability, prototype and one-liner.
  kscope serve [--port N] [--open] [--host ADDR] [--allow-unsafe]
      Browser mode: serve the app on 127.0.0.1 and print its URL (with its token).
      --allow-unsafe lets runs use --unsafe (system(), signal(), override()); without it they are refused.
      --host binds another address (prints a warning); prefer ssh -L for remote use.
  kscope serve --stdio [--idle-ms N]
      The engine over stdin/stdout, one JSON message a line (what record --host runs over ssh).
${RECORDINGS_HELP.replace(/\n$/, '')}
${EXPORT_HELP.replace(/\n$/, '')}
${IMPORT_HELP.replace(/\n$/, '')}
${DIFF_HELP.replace(/\n$/, '')}
  kscope --version
  kscope --help

Runs need root (bpftrace does): sudo npx kscope ...`;

/** The usage lines of one command, from HELP. */
export function usageOf(cmd: string): string {
  const lines = HELP.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith(`  kscope ${cmd}`)) continue;
    out.push(lines[i]);
    while (i + 1 < lines.length && /^ {3,}/.test(lines[i + 1])) out.push(lines[++i]);
  }
  return out.join('\n') || HELP;
}

/** node:util parseArgs refusals (unknown option, missing value, ...): a usage error, exit 2. */
function isUsageError(e: unknown): e is Error {
  return typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: string[]): Promise<number> {
  const [cmd] = argv;
  try {
    return await dispatch(argv);
  } catch (e) {
    if (!isUsageError(e)) throw e;
    process.stderr.write(`kscope ${cmd}: ${e.message}\nUsage:\n${usageOf(cmd)}\n`);
    return 2;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'record':
      return record(rest);
    case 'serve':
      return serve(rest);
    case 'catalog':
      if (rest.some((a) => a === '--host' || a.startsWith('--host='))) return catalogOnHosts(rest);
      return catalogCommand(rest);
    case 'examples':
      return examplesCommand(rest, loadGallery);
    case 'recordings':
      return recordingsCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'import':
      return importCommand(rest);
    case 'diff':
      return diffCommand(rest);
    case 'capabilities':
      if (rest.some((a) => a === '--host' || a.startsWith('--host='))) return capabilitiesOnHosts(rest);
      return capabilitiesCommand(rest, () => createBackend({ recordingsDir: null }).capabilities());
    case '--version':
    case '-V':
      process.stdout.write(`kscope ${packageVersion()}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP + '\n');
      return 0;
    default:
      process.stderr.write(`kscope: unknown command '${cmd}'\n\n${HELP}\n`);
      return 2;
  }
}

// Never a stack trace: one line that says what failed (KSCOPE_DEBUG=1 shows the stack).
const internal = (e: unknown) => fail(`internal error: ${process.env.KSCOPE_DEBUG ? ((e as Error)?.stack ?? String(e)) : ((e as Error)?.message ?? String(e))}`, 1);
process.on('uncaughtException', internal);
/**
 * Exit once stdout and stderr have written everything: when they are pipes Node writes
 * them asynchronously, and process.exit() right away cut `kscope catalog --json | wc -c`
 * at 64 or 128 KiB. A reader that went away (EPIPE, `| head`) ends the wait too.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  for (const s of [process.stdout, process.stderr]) {
    if (s.destroyed || s.writableEnded) done();
    else s.write('', () => done());
  }
}

main(process.argv.slice(2)).then(exitWhenFlushed, internal);
