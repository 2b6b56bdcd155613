// `kscope record --host H1 --host H2 ... -e SCRIPT`: the script on every host over the
// system's ssh, one local recording per host grouped under one run. printf lines are
// echoed (prefixed with the host when there are several); each host's fate is printed at
// the end. Exit 0 only when every host ran and ended normally.
import type { RunOptions, TraceEvent } from '../common/contract/index.js';
import { defaultRecordingsDir } from '../node/recordings/writer.js';
import { packageVersion } from '../node/paths.js';
import { makeBundle } from '../node/remote/bundle.js';
import { MultiRun, type HostOutcome } from '../node/remote/multi-run.js';
import { RemoteHost } from '../node/remote/ssh-host.js';
import { BadHostSpec, parseHostSpec, type HostTarget } from '../node/remote/ssh-target.js';

export interface RecordHostsArgs {
  hosts: string[];
  source: string;
  /** For FILE:LINE:COL messages. */
  file: string;
  options: RunOptions;
  /** --output: the folder for the recordings (default: the library). */
  outputDir?: string;
  sshConfig?: string;
  sshOptions?: string[];
  idleMs?: number;
  aliveIntervalSec?: number;
}

export function hostOutcomeLine(o: HostOutcome): string {
  const what = `kernel ${o.kernelRelease || '?'}, bpftrace ${o.bpftraceVersion ?? '?'}`;
  if (o.state === 'done') return `${o.target}: done (${what}; ${o.events} events; exit ${o.exit?.code ?? o.exit?.signal ?? '?'}) → ${o.recordingPath}`;
  return `${o.target}: ${o.state === 'cut' ? 'CUT' : 'FAILED'}: ${o.reason} → ${o.recordingPath}`;
}

export async function recordOnHosts(a: RecordHostsArgs): Promise<number> {
  let targets: HostTarget[];
  try {
    targets = a.hosts.map(parseHostSpec);
  } catch (e) {
    if (e instanceof BadHostSpec) {
      process.stderr.write(`kscope: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let bundle;
  try {
    bundle = makeBundle();
  } catch (e) {
    process.stderr.write(`kscope: ${(e as Error).message}\n`);
    return 2;
  }
  const many = targets.length > 1;
  const tag = (h: string) => (many ? `[${h}] ` : '');
  const onEvent = (h: string, e: TraceEvent) => {
    if (e.type === 'printf') process.stdout.write(many ? e.text.replace(/^(?=.)/gm, tag(h)) : e.text);
    else if (e.type === 'error') {
      const where = e.line !== undefined ? `${a.file}:${e.line}:${e.column ?? 1}: ` : '';
      process.stderr.write(`${tag(h)}${where}${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
    } else if (e.type === 'warning') process.stderr.write(`${tag(h)}warning: ${e.message}\n`);
    else if (e.type === 'lost') process.stderr.write(`${tag(h)}lost ${e.events} events\n`);
  };
  const run = new MultiRun({
    targets,
    source: a.source,
    options: a.options,
    recordingsDir: a.outputDir ?? defaultRecordingsDir(),
    kscopeVersion: packageVersion(),
    connect: (t) => RemoteHost.connect(t, { bundle, configFile: a.sshConfig, options: a.sshOptions, idleMs: a.idleMs, aliveIntervalSec: a.aliveIntervalSec, allowUnsafe: a.options.unsafe === true }),
    onEvent,
    onState: (h, s, reason) => process.stderr.write(`kscope: ${h}: ${s}${reason ? `: ${reason}` : ''}\n`),
  });
  process.stderr.write(`kscope: run ${run.id} on ${targets.length} host${many ? 's' : ''}: ${targets.map((t) => t.spec).join(', ')}\n`);
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('kscope: stopping on every host (again to give up waiting)\n');
      void run.stop();
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const outcomes = await run.done;
  for (const o of outcomes) process.stderr.write(`kscope: ${hostOutcomeLine(o)}\n`);
  const ok = outcomes.every((o) => o.state === 'done' && (o.exit?.code === 0 || o.exit?.signal === 'SIGINT'));
  return ok ? 0 : 1;
}
