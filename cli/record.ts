// `kscope record`: run a script (or a gallery example), echo its output and a live summary,
// keep everything in a recording; exit 1 when the run or its recording failed.

import { parseArgs } from 'node:util';
import { RunOptions, type SessionUpdate } from '../common/contract/index.js';
import { createBackend } from '../node/backend.js';
import { loadGallery, planExampleRecord } from './examples.js';
import { RunRefused } from '../node/engine/sessions.js';
import { MAX_SCRIPT_BYTES, scriptFromBytes, scriptProblem } from '../node/engine/script-limits.js';
import { enforceLibraryCap } from '../node/recordings/cap-after-write.js';
import { readBounded } from '../node/output/read-bounded.js';
import { recordOnHosts } from './record-hosts.js';
import { printText, valueText } from '../node/engine/text-echo.js';
import { fail } from './fail.js';

export async function record(argv: string[]): Promise<number> {
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
