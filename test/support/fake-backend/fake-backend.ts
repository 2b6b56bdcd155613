// A typed fake of the whole backend: a KscopeImpl served by the real host (or over IPC)
// with no kernel, no bpftrace and no root. Everything that can be real is: the catalog is
// the real one over the catalog fixtures of this VM, capabilities are reasoned by the real
// code from the vm-no-kprobes kernel fixture, examples are the real gallery, the library
// (list, rename, delete, replay, exports, imports, compare) is the real one over a
// temporary folder; only the runs are simulated (runs.ts), through the real pipeline.
import { listProcesses, processObjects } from '../../../node/catalog/processes.js';
import { createRemoteService } from '../../../node/remote/remote-service.js';
import { recordingTail } from '../../../node/remote/recording-tail.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunOptions, type Capability, type EventSources, type KscopeImpl } from '../../../common/contract/index.js';
import { reasonCapabilities } from '../../../node/catalog/capabilities.js';
import { createCatalog } from '../../../node/catalog/catalog.js';
import { gatherEvidence, parseBpftraceInfo } from '../../../node/catalog/evidence.js';
import { capabilityDiagnostics } from '../../../node/engine/diagnose.js';
import { loadExamples } from '../../../node/examples.js';
import { libraryMethods } from '../../../node/recordings/methods.js';
import { FakeRuns } from './runs.js';

const FIXTURES = path.resolve(__dirname, '../../fixtures');
const KERNEL = path.join(FIXTURES, 'kernels/vm-no-kprobes');
export const FAKE_KERNEL_RELEASE = '6.18.44-fc-v669';
export const FAKE_BPFTRACE = { path: '/usr/bin/bpftrace', version: '0.17.0' };

/** This VM's capabilities, reasoned by the real code from the kernel fixture (no kprobes, no PMU). */
export function fakeCapabilities(): Record<string, Capability> {
  const ev = gatherEvidence(
    { proc: path.join(KERNEL, 'proc'), sys: path.join(KERNEL, 'sys'), boot: path.join(KERNEL, 'boot'), lib: path.join(KERNEL, 'lib'), usrSrc: path.join(KERNEL, 'usr/src'), tracefsCandidates: [path.join(KERNEL, 'tracing')] },
    { kernelRelease: FAKE_KERNEL_RELEASE, uid: 0, bpftrace: null },
  );
  ev.bpftrace = FAKE_BPFTRACE;
  ev.bpftraceFeatures = parseBpftraceInfo('Kernel features\n  btf: yes\n  kprobe: yes\n  kfunc: no\n');
  return reasonCapabilities(ev);
}

export interface FakeBackend {
  impl: KscopeImpl;
  events: EventSources;
  recordingsDir: string;
  exportsDir: string | null;
  runs: FakeRuns;
  shutdown(): Promise<void>;
}

export interface FakeBackendOptions {
  /** A folder of its own (default: a new temporary one, removed on shutdown). */
  root?: string;
  /** How often a simulated run produces events (ms). */
  tickMs?: number;
  /** Start with two real CPU-profile recordings in the library (for looking at the UI; tests start empty). */
  seed?: boolean;
}

/** Real recordings (two CPU profiles, before and after a change) the library can start with. */
export const SEED_RECORDINGS = ['2026-11-25T09-30-12-profile-a', '2026-11-25T09-41-07-profile-b'];

export function createFakeBackend(opts: FakeBackendOptions = {}): FakeBackend {
  const ownRoot = opts.root === undefined;
  const root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-fake-'));
  const recordingsDir = path.join(root, 'recordings');
  if (opts.seed) {
    fs.mkdirSync(recordingsDir, { recursive: true });
    const from = path.resolve(__dirname, '../../fixtures/exports');
    fs.copyFileSync(path.join(from, 'profile-a.ndjson'), path.join(recordingsDir, `${SEED_RECORDINGS[0]}.ndjson`));
    fs.copyFileSync(path.join(from, 'profile-b.ndjson'), path.join(recordingsDir, `${SEED_RECORDINGS[1]}.ndjson`));
  }
  const caps = fakeCapabilities();
  const capabilities = () => caps;
  const runs = new FakeRuns({ recordingsDir, kscopeVersion: '0.0.0-fake', kernelRelease: FAKE_KERNEL_RELEASE, bpftraceVersion: FAKE_BPFTRACE.version, capabilities, tickMs: opts.tickMs });
  const library = libraryMethods({ recordingsDir, settingsPath: path.join(root, 'settings.json'), engine: runs });
  const catalog = createCatalog({
    capabilities,
    cacheDir: null,
    roots: { tracefs: path.join(FIXTURES, 'catalog/vm/tracing'), proc: path.join(FIXTURES, 'catalog/vm/proc'), btfDir: path.join(FIXTURES, 'catalog/vm/no-btf') },
    native: () => {
      throw new Error('the fake backend has no native addon (BTF and ELF reads are not simulated)');
    },
  });
  // The real remote service over a private config folder; connecting fails (no ssh here),
  // so a run on hosts is marked per host with that reason, as a real unreachable host is.
  const remote = createRemoteService({
    recordingsDir,
    kscopeVersion: '0.0.0-fake',
    env: { HOME: root, XDG_CONFIG_HOME: path.join(root, 'config'), KSCOPE_SSH_CONFIG: path.join(root, 'ssh_config') },
    connect: async (t) => {
      throw new Error(`the fake backend reaches no remote host (${t.host})`);
    },
  });
  const session = (id: string) => {
    const r = runs.get(id);
    if (!r) throw new Error(`no such session: ${id}`);
    return r;
  };
  const impl: KscopeImpl = {
    version: () => ({ kscope: '0.0.0-fake', bpftrace: FAKE_BPFTRACE, kernelRelease: FAKE_KERNEL_RELEASE, node: process.versions.node, root: false }),
    capabilities: () => ({ entries: caps }),
    examples: () => loadExamples(path.resolve(__dirname, '../../../resources/examples'), caps),
    run: ({ source, options }) => {
      const r = runs.run(source, options ?? RunOptions.parse({}));
      return { sessionId: r.id, recordingPath: r.recordingPath };
    },
    stop: async ({ sessionId }) => {
      const r = session(sessionId);
      const stopped = await r.stop();
      return { stopped, status: r.status() };
    },
    sessions: () => runs.list(),
    readLog: ({ sessionId, start, count }) => session(sessionId).readLog(start, count),
    flameGraph: ({ sessionId, map, minFraction, focus }) => {
      const r = session(sessionId).flameGraph(map, minFraction, focus);
      return { total: r.total, nodes: r.nodes, prunedNodes: r.prunedNodes, tree: r.tree };
    },
    listProbes: (q) => catalog.listProbes(q),
    probeTree: (p) => catalog.probeTree(p ?? {}),
    // Processes are this machine's, read-only (the picker's listing needs no kernel feature).
    listProcesses: () => listProcesses(),
    processObjects: ({ pid }) => processObjects(pid),
    describeProbe: ({ name, binary }) => catalog.describeProbe(name, binary),
    describeStruct: ({ name }) => catalog.describeStruct(name),
    // A steady, made-up rate: measuring needs a kernel.
    measureRate: ({ probe, seconds }) => ({ probe, events: 420 * seconds, seconds, perSecond: 420 }),
    // kscope's own diagnostics (what this kernel lacks); bpftrace's dry run needs bpftrace.
    diagnose: ({ source }) => ({ diagnostics: source.trim() ? capabilityDiagnostics(source, caps) : [], tookMs: 0 }),
    recordingTail: (p) => recordingTail((id) => runs.get(id), p),
    ...library.impl,
    ...remote.impl,
  };
  return {
    impl,
    events: { session: (l) => runs.onUpdate(l) },
    recordingsDir,
    exportsDir: library.exportsDir,
    runs,
    shutdown: async () => {
      await Promise.all([runs.stopAll(), remote.stopAll()]);
      library.dispose();
      if (ownRoot) fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
