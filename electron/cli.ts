#!/usr/bin/env node
// `kscope record|serve|--version|--help`: the same backend as the app, in a terminal.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { RunOptions, type SessionUpdate } from './api/index.js';
import { createBackend } from './backend.js';
import { capabilitiesCommand } from './cli-capabilities.js';
import { examplesCommand, loadGallery, planExampleRecord } from './cli-examples.js';
import { DIFF_HELP, EXPORT_HELP, diffCommand, exportCommand } from './cli-export.js';
import { IMPORT_HELP, importCommand } from './cli-import.js';
import { RECORDINGS_HELP, recordingsCommand } from './cli-recordings.js';
import { browserCommand, homeFromPasswd } from './browser-launch.js';
import { findOnPath } from './engine/bpftrace-binary.js';
import { gatherLaunchFacts, planLaunch } from './helper/launch.js';
import { RunRefused } from './engine/sessions.js';
import { startHost } from './host/host.js';
import { packageVersion, rendererDir } from './paths.js';
import { PROBE_TYPES, type ProbeType } from './api/index.js';
import { defaultCacheDir } from './backend.js';
import { createCatalog } from './catalog/catalog.js';
import { reasonCapabilities } from './catalog/capabilities.js';
import { gatherEvidence } from './catalog/evidence.js';

const HELP = `kscope — a trace explorer over bpftrace

Usage:
  kscope record [FILE.bt | -e SCRIPT | --example ID] [--duration SECONDS] [--output REC.ndjson]
                [--snapshot-ms N] [-p PID] [-c CMD] [--unsafe] [-- ARGS...]
      Run a script, print its output and a live summary, keep everything in a recording.
      Exit 0 when bpftrace ran and exited normally; errors print FILE:LINE:COL: message.
      --example ID runs a gallery example (or its equivalent when this kernel lacks what it needs).
      ARGS are the script's positional parameters $1..$N; -p PID traces one process and -c CMD
      runs a command and traces it (both end the run when the process exits), as in bpftrace.
  kscope examples [--json]
      The example gallery (the seed's twelve lessons and more), and what runs here.
  kscope capabilities [--json]
      What this kernel and this bpftrace can trace, and why not when they cannot.
  kscope catalog [PATTERN] [--json] [--describe PROBE] [--binary PATH] [--pid PID] [--types a,b]
      List probes (bpftrace -l globs like 'tracepoint:syscalls:sys_enter_*', or plain words,
      ranked fuzzy); --describe prints a probe's fields, availability, prototype and one-liner.
  kscope serve [--port N] [--open] [--host ADDR]
      Browser mode: serve the app on 127.0.0.1 and print its URL (with its token).
      --host binds another address (prints a warning); prefer ssh -L for remote use.
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
  } else if (values.expr !== undefined) source = values.expr;
  else {
    const f = rest.shift();
    if (!f) fail('record needs a script: FILE.bt or -e SCRIPT (see kscope --help)');
    try {
      source = fs.readFileSync(f, 'utf8');
    } catch (e) {
      fail(`cannot read ${f}: ${(e as Error).message}`);
    }
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
  const backend = createBackend();
  const tty = process.stderr.isTTY;
  let last: SessionUpdate | null = null;
  let errors = 0;
  let skipped = 0;
  backend.onSessionUpdate((u) => {
    last = u;
    for (const p of u.printf) process.stdout.write(p.text);
    skipped += u.printfSkipped;
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
    return `kscope: ${s.state} ${(s.elapsedMs / 1000).toFixed(1)}s · ${s.attachedProbes ?? '?'} probes · ${s.events} events · ${s.printfLines} lines · ${s.lostEvents} lost`;
  };
  const ticker = setInterval(() => {
    process.stderr.write(tty ? `\r\x1b[K${summary()}` : `${summary()}\n`);
  }, 1000);
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) void session.stop();
    else session.kill();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await session.whenEnded();
  clearInterval(ticker);
  const st = session.status();
  process.stderr.write(`${tty ? '\r\x1b[K' : ''}${summary()}\n`);
  if (skipped) process.stderr.write(`kscope: ${skipped} output lines were not echoed here (flood); all are in the recording\n`);
  if (session.recordingPath) process.stderr.write(`kscope: recording: ${session.recordingPath}\n`);
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
  if (positionals.length > 1) fail(`catalog takes one pattern (got ${positionals.length}); quote globs: kscope catalog 'tracepoint:sched:*'`, 1);
  const pattern = positionals[0] ?? '';
  let types: ProbeType[] | undefined;
  if (values.types !== undefined) {
    const list = values.types.split(',').map((t) => t.trim()).filter(Boolean);
    const bad = list.filter((t) => !(PROBE_TYPES as readonly string[]).includes(t));
    if (bad.length) fail(`unknown probe type(s): ${bad.join(', ')} (types: ${PROBE_TYPES.join(', ')})`, 1);
    types = list as ProbeType[];
  }
  let pid: number | undefined;
  if (values.pid !== undefined) {
    pid = Number(values.pid);
    if (!Number.isInteger(pid) || pid <= 0) fail(`bad PID: ${values.pid}`, 1);
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
    options: { port: { type: 'string', short: 'p' }, open: { type: 'boolean' }, host: { type: 'string' } },
  });
  if (values.host !== undefined && !/^[0-9A-Za-z.:_-]{1,255}$/.test(values.host)) fail(`bad --host address: ${values.host}`);
  const port = values.port !== undefined ? Number(values.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad port: ${values.port}`);
  const dir = rendererDir();
  if (!fs.existsSync(`${dir}/index.html`)) fail(`the renderer is not built (${dir}/index.html missing): run npm run build`);
  const backend = createBackend();
  const host = await startHost({
    impl: backend.impl,
    onSessionUpdate: backend.onSessionUpdate,
    rendererDir: dir,
    port,
    // Loopback unless --host is given; then the host prints a warning (exposureWarning).
    host: values.host,
    allowRemote: values.host !== undefined,
    // The folder exportRecording writes to: GET /exports/NAME?token=… is how a browser gets the file.
    exportsDir: backend.exportsDir ?? undefined,
    log: (l) => process.stderr.write(l + '\n'),
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

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'record':
      return record(rest);
    case 'serve':
      return serve(rest);
    case 'catalog':
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => fail((e as Error).stack ?? String(e), 1),
);
