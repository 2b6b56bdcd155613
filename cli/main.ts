#!/usr/bin/env node
// `kscope record|serve|--version|--help`: the same backend as the app, in a terminal.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { RunOptions, type SessionUpdate } from '../common/contract/index.js';
import { createBackend } from '../node/backend.js';
import { capabilitiesCommand } from './capabilities.js';
import { examplesCommand, loadGallery, planExampleRecord } from './examples.js';
import { DIFF_HELP, EXPORT_HELP, diffCommand, exportCommand } from './export.js';
import { IMPORT_HELP, importCommand } from './import.js';
import { RECORDINGS_HELP, recordingsCommand } from './recordings.js';
import { browserCommand, homeFromPasswd } from '../node/serve/browser-launch.js';
import { findOnPath } from '../node/engine/bpftrace-binary.js';
import { gatherLaunchFacts, planLaunch } from '../node/privileged/launch.js';
import { RunRefused } from '../node/engine/sessions.js';
import { MAX_SCRIPT_BYTES, scriptFromBytes, scriptProblem } from '../node/engine/script-limits.js';
import { enforceLibraryCap } from '../node/recordings/cap-after-write.js';
import { readBounded } from '../node/output/read-bounded.js';
import { serveConsent } from '../node/engine/consent.js';
import { startHost } from '../node/serve/host.js';
import { serveStdioCommand } from './serve-stdio.js';
import { recordOnHosts } from './record-hosts.js';
import { capabilitiesOnHosts } from './capabilities-hosts.js';
import { catalogOnHosts } from './catalog-hosts.js';
import { packageVersion, rendererDir } from '../node/paths.js';
import { PROBE_TYPES, type ProbeType } from '../common/contract/index.js';
import { defaultCacheDir } from '../node/backend.js';
import { createCatalog } from '../node/catalog/catalog.js';
import { reasonCapabilities } from '../node/catalog/capabilities.js';
import { gatherEvidence } from '../node/catalog/evidence.js';
import { printText, valueText } from '../node/engine/text-echo.js';

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

function fail(message: string, code = 2): never {
  process.stderr.write(`kscope: ${message}\n`);
  process.exit(code);
}

async function record(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      expr: { type: 'string', short: 'e' },
      example: { type: 'string' },
      duration: { type: 'string', short: 'd' },
      output: { type: 'string', short: 'o' },
      'snapshot-ms': { type: 'string' },
      unsafe: { type: 'boolean' },
      host: { type: 'string', multiple: true },
      'ssh-config': { type: 'string' },
      'ssh-option': { type: 'string', multiple: true },
      'idle-ms': { type: 'string' },
      'alive-interval': { type: 'string' },
      pid: { type: 'string', short: 'p' },
      command: { type: 'string', short: 'c' },
    },
  });
  if (values.pid !== undefined && !/^[1-9]\d*$/.test(values.pid)) fail(`bad -p PID: ${values.pid} (a process id, such as 1234)`);
  let source: string;
  let file = 'stdin';
  const rest = [...positionals];
  let example: { id: string; variant: 'original' | 'equivalent'; reason: string | null } | undefined;
  if (values.example !== undefined) {
    const plan = planExampleRecord(values.example, loadGallery());
    if (!plan.ok) fail(plan.message, plan.code);
    process.stderr.write(`kscope: ${plan.message}\n`);
    source = plan.source;
    file = plan.file;
    example = plan.example;
  } else if (values.expr !== undefined) {
    source = values.expr;
    const problem = scriptProblem(source);
    if (problem) fail(`-e: ${problem}`);
  } else {
    const f = rest.shift();
    if (!f) fail('record needs a script: FILE.bt or -e SCRIPT (see kscope --help)');
    let bytes: Buffer;
    try {
      bytes = readBounded(f, MAX_SCRIPT_BYTES + 1);
    } catch (e) {
      fail(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    // Never a byte of a binary in a message: say what it is instead.
    const r = scriptFromBytes(bytes, f);
    if (!r.ok) fail(r.message);
    source = r.source;
    file = f;
  }
  const opts = RunOptions.safeParse({
    snapshotMs: values['snapshot-ms'] !== undefined ? Number(values['snapshot-ms']) : 1000,
    durationSec: values.duration !== undefined ? Number(values.duration) : undefined,
    unsafe: values.unsafe ?? false,
    args: rest,
    example,
    ...(values.pid !== undefined ? { pid: Number(values.pid) } : {}),
    ...(values.command !== undefined ? { command: values.command } : {}),
  });
  if (!opts.success) fail(`bad options: ${opts.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (values.host?.length) {
    const num = (v: string | undefined, name: string) => (v === undefined ? undefined : Number.isInteger(Number(v)) && Number(v) >= 0 ? Number(v) : fail(`bad --${name}: ${v}`));
    return recordOnHosts({ hosts: values.host, source, file, options: opts.data, outputDir: values.output, sshConfig: values['ssh-config'], sshOptions: values['ssh-option'], idleMs: num(values['idle-ms'], 'idle-ms'), aliveIntervalSec: num(values['alive-interval'], 'alive-interval') });
  }
  const backend = createBackend();
  const tty = process.stderr.isTTY;
  let last: SessionUpdate | null = null;
  let errors = 0;
  let skipped = 0;
  backend.events.session((u) => {
    last = u;
    // One write per update, not one per line: in a flood an update carries ~1,000 lines.
    if (u.printf.length > 0) process.stdout.write(u.printf.length === 1 ? u.printf[0].text : u.printf.map((p) => p.text).join(''));
    skipped += u.printfSkipped;
    // The script's own print()s (by: 'script') and the exit dump (not a snapshot), as
    // bpftrace's text shows them; kscope's periodic snapshots are not the script's output and
    // are not echoed. Stack maps are in the recording.
    for (const m of u.maps) if (!m.snapshot || m.by === 'script') process.stdout.write(printText(m));
    for (const v of u.values) process.stdout.write(valueText(v.value) + '\n');
    for (const e of u.errors) {
      errors++;
      const where = e.line !== undefined ? `${file}:${e.line}:${e.column ?? 1}: ` : '';
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}${where}${e.message}\n`);
      if (e.hint) process.stderr.write(`  hint: ${e.hint}\n`);
    }
    for (const w of u.warnings) process.stderr.write(`${tty ? '\r\x1b[K' : ''}warning: ${w.message}\n`);
  });
  let session;
  try {
    session = backend.engine.run(source, opts.data, { recordingPath: values.output });
  } catch (e) {
    fail(e instanceof RunRefused ? e.message : `cannot run: ${(e as Error).message}`, 1);
  }
  const summary = () => {
    const s = (last as SessionUpdate | null)?.status ?? session.status();
    const line = `kscope: ${s.state} ${(s.elapsedMs / 1000).toFixed(1)}s · ${s.attachedProbes ?? '?'} probes · ${s.events} events · ${s.printfLines} lines · ${s.lostEvents} lost`;
    // While bpftrace prints its final maps: how far it got, and how to force it.
    if (s.state === 'stopping' && s.stopping) return `${line} · ${s.stopping.message.replace('Stop again', 'Ctrl+C again')}`;
    const result = s.exit?.result === 'last-snapshot' ? ' · result: the last snapshot' : s.exit?.result === 'partial' ? ' · result: partly the last snapshot' : '';
    return line + result;
  };
  const ticker = setInterval(() => {
    process.stderr.write(tty ? `\r\x1b[K${summary()}` : `${summary()}\n`);
  }, 1000);
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    // The first Ctrl+C asks bpftrace for its final print; a second forces the stop (the maps
    // keep their last snapshot, and the recording says so).
    if (interrupts === 1) void session.stop();
    else session.force();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await session.whenEnded();
  clearInterval(ticker);
  const st = session.status();
  process.stderr.write(`${tty ? '\r\x1b[K' : ''}${summary()}\n`);
  if (skipped) process.stderr.write(`kscope: ${skipped} output lines were not echoed here (flood); all are in the recording\n`);
  if (session.recordingPath) process.stderr.write(`kscope: recording: ${session.recordingPath}\n`);
  // The library's size cap applies to this run too (the app's cap runs after each run; we exit first).
  if (!values.output && backend.recordingsDir) await enforceLibraryCap(backend.recordingsDir);
  // A recording that could not be written to the end is a failure whatever bpftrace did.
  if (session.recordingFailure) {
    process.stderr.write(`kscope: the recording failed: ${session.recordingFailure}\n`);
    return 1;
  }
  // bpftrace exits 0 on its own exit() and on our SIGINT; anything else is a failure.
  const ok = st.exit?.code === 0 || (st.exit?.signal === 'SIGINT' && errors === 0);
  return ok ? 0 : 1;
}

function catalogCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      describe: { type: 'string', short: 'd' },
      binary: { type: 'string', short: 'b' },
      pid: { type: 'string', short: 'p' },
      types: { type: 'string', short: 't' },
    },
  });
  if (positionals.length > 1) fail(`catalog takes one pattern (got ${positionals.length}); quote globs: kscope catalog 'tracepoint:sched:*'`);
  const pattern = positionals[0] ?? '';
  let types: ProbeType[] | undefined;
  if (values.types !== undefined) {
    const list = values.types.split(',').map((t) => t.trim()).filter(Boolean);
    const bad = list.filter((t) => !(PROBE_TYPES as readonly string[]).includes(t));
    if (bad.length) fail(`unknown probe type(s): ${bad.join(', ')} (types: ${PROBE_TYPES.join(', ')})`);
    types = list as ProbeType[];
  }
  let pid: number | undefined;
  if (values.pid !== undefined) {
    pid = Number(values.pid);
    if (!Number.isInteger(pid) || pid <= 0) fail(`bad PID: ${values.pid}`);
  }
  const caps = reasonCapabilities(gatherEvidence());
  const catalog = createCatalog({ capabilities: () => caps, cacheDir: defaultCacheDir() });
  const out = (s: string) => process.stdout.write(s + '\n');
  try {
    if (values.describe !== undefined) {
      const d = catalog.describeProbe(values.describe, values.binary);
      if (values.json) {
        out(JSON.stringify(d, null, 2));
        return 0;
      }
      out(d.name);
      for (const a of d.args) out(`    ${a.type}${a.type.endsWith('*') ? ' ' : ' '}${a.name};`);
      out('');
      out(d.available ? 'available: yes' : `available: no: ${d.reason ?? 'unknown reason'}`);
      if (d.alternative) out(`alternative: ${d.alternative}`);
      if (d.prototype) out(`prototype: ${d.prototype}`);
      if (d.help) out(`help: ${d.help}`);
      out(`one-liner: ${d.oneLiner}`);
      return 0;
    }
    const first = catalog.listProbes({ query: pattern, types, binary: values.binary, pid, offset: 0, limit: 5000 });
    const probes = [...first.probes];
    while (probes.length < first.total) {
      const next = catalog.listProbes({ query: pattern, types, binary: values.binary, pid, offset: probes.length, limit: 5000 });
      if (next.probes.length === 0) break;
      probes.push(...next.probes);
    }
    if (values.json) {
      out(JSON.stringify({ ...first, probes }, null, 2));
      return first.total === 0 && pattern !== '' ? 1 : 0;
    }
    if (first.total === 0) {
      process.stderr.write(`kscope: no probes match '${pattern}'\n`);
      if (first.suggestions.length) process.stderr.write(`did you mean:\n${first.suggestions.map((s) => `  ${s}`).join('\n')}\n`);
      for (const n of first.notes) process.stderr.write(`note: ${n}\n`);
      return 1;
    }
    const unavailable = new Map(catalog.probeTree(values.binary !== undefined || pid !== undefined ? { binary: values.binary, pid } : {}).types.filter((t) => !t.available).map((t) => [t.type, t.reason]));
    const headed = new Set<string>();
    for (const p of probes) {
      if (!p.available && !headed.has(p.type)) {
        headed.add(p.type);
        out(`# ${p.type}:  (unavailable: ${unavailable.get(p.type) ?? 'not available on this kernel'})`);
      }
      out(p.name);
    }
    for (const n of first.notes) process.stderr.write(`note: ${n}\n`);
    return 0;
  } catch (e) {
    fail((e as Error).message, 1);
  }
}

function hasDisplay(): boolean {
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', short: 'p' }, open: { type: 'boolean' }, host: { type: 'string' }, 'allow-unsafe': { type: 'boolean' }, stdio: { type: 'boolean' }, 'idle-ms': { type: 'string' } },
  });
  const allowUnsafe = values['allow-unsafe'] === true;
  if (values.stdio) return serveStdioCommand(values['idle-ms'], allowUnsafe);
  if (values.host !== undefined && !/^[0-9A-Za-z.:_-]{1,255}$/.test(values.host)) fail(`bad --host address: ${values.host}`);
  const port = values.port !== undefined ? Number(values.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad port: ${values.port}`);
  const dir = rendererDir();
  if (!fs.existsSync(`${dir}/index.html`)) fail(`the renderer is not built (${dir}/index.html missing): run npm run build`);
  // --unsafe runs: allowed only by whoever starts the server, never by the page.
  const backend = createBackend({ consentToUnsafe: serveConsent(allowUnsafe) });
  if (allowUnsafe) process.stderr.write('kscope: warning: --allow-unsafe: any page holding the token can run scripts with --unsafe (system() as root)\n');
  const host = await startHost({
    impl: backend.impl,
    events: backend.events,
    rendererDir: dir,
    port,
    // Loopback unless --host is given; then the host prints a warning (exposureWarning).
    host: values.host,
    allowRemote: values.host !== undefined,
    // The folder exportRecording writes to: GET /exports/NAME?token=… is how a browser gets the file.
    exportsDir: backend.exportsDir ?? undefined,
    log: (l) => process.stderr.write(l + '\n'),
  }).catch(async (e: NodeJS.ErrnoException) => {
    await backend.shutdown();
    if (e.code === 'EADDRINUSE') fail(`port ${port} is in use: choose another with --port N, or --port 0 for any free one`, 1);
    if (e.code === 'EACCES') fail(`port ${port} needs privileges to listen on: choose one above 1023`, 1);
    if (e.code === 'EADDRNOTAVAIL') fail(`cannot listen on ${values.host}: no such address on this machine`, 1);
    throw e;
  });
  process.stdout.write(`kscope ${packageVersion()} serving on ${host.url}\n`);
  if (process.getuid?.() !== 0) {
    const plan = planLaunch(gatherLaunchFacts(process.env, false));
    process.stderr.write(
      plan.kind === 'helper'
        ? `kscope: not root: runs go through kscope's privileged helper (${plan.command.via === 'pkexec' ? 'pkexec asks for authentication' : plan.command.via}).\n`
        : `kscope: not root: runs will be refused until this is fixed: ${plan.kind === 'refuse' ? plan.message : 'unknown'}\n`,
    );
  }
  if (values.open) {
    const browser = ['chromium', 'chromium-browser', 'google-chrome', 'xdg-open'].map((b) => findOnPath(b)).find(Boolean);
    if (!hasDisplay()) process.stderr.write('kscope: no display: open the URL above in a browser (or over an SSH tunnel)\n');
    else if (!browser) process.stderr.write('kscope: no browser found: open the URL above\n');
    else {
      const passwd = () => {
        try {
          return fs.readFileSync('/etc/passwd', 'utf8');
        } catch {
          return '';
        }
      };
      const c = browserCommand({ browser, url: host.url, uid: process.getuid?.() ?? -1, env: process.env, setpriv: findOnPath('setpriv'), homeOf: (uid) => homeFromPasswd(passwd(), uid) });
      if (c.warning) process.stderr.write(c.warning + '\n');
      spawn(c.command, c.args, { stdio: 'ignore', detached: true, env: c.env }).unref();
    }
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('kscope: stopping runs and closing\n');
  await backend.shutdown();
  await host.close();
  return 0;
}

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
main(process.argv.slice(2)).then((code) => process.exit(code), internal);
