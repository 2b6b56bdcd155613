// Runs on remote hosts for the app (Electron or browser mode): the host list
// (~/.ssh/config's Host entries plus the ones added in kscope, kept in
// $XDG_CONFIG_HOME/kscope/hosts.json), MultiRun over the system ssh, and a live view per
// host (LiveState, as for a local run) that the window polls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunOptions, type HostRunResult, type HostRunState, type HostRunView, type KscopeImpl, type RemoteHostEntry, type TraceEvent } from '../../common/contract/index.js';
import { LiveState } from '../engine/live-state.js';
import { makeBundle, type Bundle } from './bundle.js';
import { MultiRun, type HostConnection } from './multi-run.js';
import { RemoteHost } from './ssh-host.js';
import { parseHostSpec, sshConfigHosts, type HostTarget } from './ssh-target.js';

const PRINTF_KEPT = 200;
const RUNS_KEPT = 20;

export interface RemoteServiceOptions {
  recordingsDir: string | null;
  kscopeVersion: string;
  env?: NodeJS.ProcessEnv;
  /** Default: ssh with the user's own setup. */
  connect?: (t: HostTarget) => Promise<HostConnection>;
}

type RemoteImpl = Pick<KscopeImpl, 'remoteHosts' | 'addRemoteHost' | 'runOnHosts' | 'hostRun' | 'stopHostRun'>;

interface HostLive {
  view: Omit<HostRunView, 'printf' | 'maps' | 'flames' | 'errors'>;
  live: LiveState;
  printf: { t: number; text: string }[];
  errors: HostRunView['errors'];
  /** The latest folded tree of every stack map. */
  flames: Map<string, HostRunView['flames'][number]>;
}

export function hostsFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config'), 'kscope', 'hosts.json');
}

export function createRemoteService(o: RemoteServiceOptions): { impl: RemoteImpl; stopAll(): Promise<void> } {
  const env = o.env ?? process.env;
  const runs = new Map<string, { run: MultiRun; hosts: Map<string, HostLive>; done: boolean }>();
  let bundle: Bundle | null = null;
  // KSCOPE_SSH_CONFIG: another ssh config than ~/.ssh/config (ssh -F), for both the host list and the connections.
  const sshConfig = env.KSCOPE_SSH_CONFIG || undefined;
  const connect = o.connect ?? ((t: HostTarget) => RemoteHost.connect(t, { bundle: (bundle ??= makeBundle()), configFile: sshConfig }));

  const listHosts = (): { hosts: RemoteHostEntry[]; problems: string[] } => {
    const problems: string[] = [];
    const out: RemoteHostEntry[] = [];
    try {
      const cfg = sshConfig ?? path.join(env.HOME || os.homedir(), '.ssh', 'config');
      if (fs.existsSync(cfg)) for (const spec of sshConfigHosts(fs.readFileSync(cfg, 'utf8'))) out.push({ spec, from: 'ssh-config' });
    } catch (e) {
      problems.push(`~/.ssh/config: ${(e as Error).message}`);
    }
    try {
      const f = hostsFile(env);
      if (fs.existsSync(f)) {
        const added = JSON.parse(fs.readFileSync(f, 'utf8')) as unknown;
        if (!Array.isArray(added)) throw new Error('not a list');
        for (const spec of added) if (typeof spec === 'string' && !out.some((h) => h.spec === spec)) out.push({ spec, from: 'added' });
      }
    } catch (e) {
      problems.push(`${hostsFile(env)}: ${(e as Error).message}`);
    }
    return { hosts: out, problems };
  };

  const result = (runId: string): HostRunResult => {
    const r = runs.get(runId);
    if (!r) throw new Error(`no such remote run: ${runId}`);
    return {
      runId,
      running: !r.done,
      hosts: [...r.hosts.values()].map((h) => ({
        ...h.view,
        printf: h.printf,
        maps: [...h.live.maps.values()],
        flames: [...h.flames.values()],
        errors: h.errors,
      })),
    };
  };

  const impl: RemoteImpl = {
    remoteHosts: () => listHosts(),
    addRemoteHost: ({ spec }) => {
      const t = parseHostSpec(spec); // throws with the reason
      const f = hostsFile(env);
      const now = listHosts();
      if (!now.hosts.some((h) => h.spec === t.spec)) {
        const added = now.hosts.filter((h) => h.from === 'added').map((h) => h.spec);
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f + '.tmp', JSON.stringify([...added, t.spec], null, 2) + '\n');
        fs.renameSync(f + '.tmp', f);
      }
      return listHosts();
    },
    runOnHosts: ({ source, options, hosts }) => {
      if (!o.recordingsDir) throw new Error('remote runs need a recordings folder');
      // The page is untrusted and cannot consent to --unsafe for itself; on remote hosts there
      // is no native dialog path yet, so only the CLI (where the user typed it) may ask for it.
      if (options?.unsafe) throw new Error('unsafe runs on other hosts are only started from the command line (kscope record --host H --unsafe): the window cannot give that consent itself');
      const targets = hosts.map(parseHostSpec);
      const lives = new Map<string, HostLive>();
      for (const t of targets)
        lives.set(t.spec, {
          view: { target: t.spec, state: 'connecting', reason: null, kernelRelease: null, bpftraceVersion: null, recordingPath: '', events: 0, printfTotal: 0 },
          live: new LiveState(0),
          printf: [],
          errors: [],
          flames: new Map(),
        });
      const onEvent = (host: string, e: TraceEvent) => {
        const h = lives.get(host);
        if (!h) return;
        h.view.events++;
        h.live.apply([e]);
        if (e.type === 'printf') {
          h.view.printfTotal++;
          h.printf.push({ t: e.t, text: e.text });
          if (h.printf.length > PRINTF_KEPT) h.printf.splice(0, h.printf.length - PRINTF_KEPT);
        } else if (e.type === 'error' && h.errors.length < 100) h.errors.push(e);
        // The view reads the whole state; only the folded flame graphs are taken from the update.
        for (const f of h.live.take().flames) h.flames.set(f.name, f);
      };
      const run = new MultiRun({
        targets,
        source,
        options: options ?? RunOptions.parse({}),
        recordingsDir: o.recordingsDir,
        kscopeVersion: o.kscopeVersion,
        connect,
        onEvent,
        onInfo: (host, info) => {
          const h = lives.get(host);
          if (h) Object.assign(h.view, info);
        },
        onState: (host, state: HostRunState, reason) => {
          const h = lives.get(host);
          if (h) Object.assign(h.view, { state, reason: reason ?? h.view.reason });
        },
      });
      const entry = { run, hosts: lives, done: false };
      runs.set(run.id, entry);
      void run.done.then((outcomes) => {
        entry.done = true;
        for (const oc of outcomes) {
          const h = lives.get(oc.target);
          if (h) Object.assign(h.view, { state: oc.state, reason: oc.reason, kernelRelease: oc.kernelRelease, bpftraceVersion: oc.bpftraceVersion, recordingPath: oc.recordingPath });
        }
      });
      // Forget the oldest finished runs (their recordings stay in the library).
      for (const [id, r] of runs) if (runs.size > RUNS_KEPT && r.done) runs.delete(id);
      return { runId: run.id };
    },
    hostRun: ({ runId }) => result(runId),
    stopHostRun: async ({ runId }) => {
      const r = runs.get(runId);
      if (!r) throw new Error(`no such remote run: ${runId}`);
      await r.run.stop();
      r.done = true;
      return result(runId);
    },
  };
  return {
    impl,
    stopAll: async () => {
      await Promise.all([...runs.values()].map((r) => r.run.stop()));
    },
  };
}
