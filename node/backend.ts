// The privileged side's implementation of the contract, shared by Electron IPC, the
// WebSocket host and the CLI: engine + capabilities + examples behind one object.
import os from 'node:os';
import path from 'node:path';
import { RunOptions, type Capability, type EventSources, type KscopeImpl } from '../common/contract/index.js';
import { reasonCapabilities } from './catalog/capabilities.js';
import { createCatalog } from './catalog/catalog.js';
import { listProcesses, processObjects } from './catalog/processes.js';
import { gatherEvidence, readKernelLog, SYSTEM_ROOTS } from './catalog/evidence.js';
import type { CatalogService } from './catalog/service.js';
import { checkBpftrace } from './engine/bpftrace-binary.js';
import { bpftraceDryRun, capabilityDiagnostics, mergeDiagnostics } from './engine/diagnose.js';
import { measureRate } from './engine/measure-rate.js';
import { loadNative, type NativeAddon } from './native.js';
import { defaultRecordingsDir } from './recordings/writer.js';
import { Engine, RunRefused, type EngineConfig } from './engine/sessions.js';
import { noConsent, unsafeRequest, type UnsafeConsent } from './engine/consent.js';
import { scriptProblem } from './engine/script-limits.js';
import { loadExamples } from './examples.js';
import { libraryMethods } from './recordings/methods.js';
import { packageVersion, resourcesDir } from './paths.js';
import { recordingTail } from './remote/recording-tail.js';
import { createRemoteService } from './remote/remote-service.js';

export interface BackendOptions {
  recordingsDir?: string | null;
  /** The catalog's on-disk cache (default: $XDG_CACHE_HOME/kscope); null disables it. */
  cacheDir?: string | null;
  resourcesDir?: string;
  engine?: Partial<EngineConfig>;
  /** The settings file (recordingsCapBytes); default $XDG_CONFIG_HOME/kscope/settings.json. */
  settingsPath?: string;
  /** Where exports are written; default beside the recordings folder. */
  exportsDir?: string;
  /** Who consents to --unsafe runs (a native dialog, serve --allow-unsafe); default: nobody. */
  consentToUnsafe?: UnsafeConsent;
}

export interface Backend {
  impl: KscopeImpl;
  engine: Engine;
  catalog(): CatalogService;
  capabilities(): Record<string, Capability>;
  /** Every contract event's source, for the transports (they iterate the contract's events). */
  events: EventSources;
  shutdown(): Promise<void>;
  /** Where exportRecording writes (the host's GET /exports/NAME serves from here; see resolveExportDownload). */
  exportsDir: string | null;
  /** The recordings library's folder (null: recordings are off). */
  recordingsDir: string | null;
}

/** The native addon, or null (capabilities then say what they could not check). */
export function tryLoadNative(): NativeAddon | null {
  try {
    return loadNative();
  } catch {
    return null;
  }
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'kscope');
}

export function createBackend(opts: BackendOptions = {}): Backend {
  const version = packageVersion();
  let caps: { at: number; value: Record<string, Capability> } | null = null;
  const capabilities = () => {
    // Evidence changes rarely (a mount, an install); re-read at most every 10 s.
    if (!caps || Date.now() - caps.at > 10_000) caps = { at: Date.now(), value: reasonCapabilities(gatherEvidence(SYSTEM_ROOTS, { native: tryLoadNative(), mountSecurityfs: true, kernelLog: readKernelLog })) };
    return caps.value;
  };
  let catalogService: CatalogService | null = null;
  const catalog = () => (catalogService ??= createCatalog({ capabilities, cacheDir: opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir }));
  const recordingsDir = opts.engine?.recordingsDir !== undefined ? opts.engine.recordingsDir : opts.recordingsDir === undefined ? defaultRecordingsDir() : opts.recordingsDir;
  const engine = new Engine({
    kscopeVersion: version,
    recordingsDir,
    capabilities,
    ...opts.engine,
  });
  const library = libraryMethods({ recordingsDir, settingsPath: opts.settingsPath, exportsDir: opts.exportsDir, engine });
  // Runs on other hosts over ssh (node/remote/).
  const remote = createRemoteService({ recordingsDir, kscopeVersion: version });
  const examplesDir = path.join(opts.resourcesDir ?? resourcesDir(), 'examples');
  const impl: KscopeImpl = {
    version: () => {
      const b = checkBpftrace(opts.engine?.env);
      return {
        kscope: version,
        bpftrace: b.ok ? { path: b.path, version: b.version } : null,
        kernelRelease: os.release(),
        node: process.versions.node,
        root: process.getuid?.() === 0,
      };
    },
    capabilities: () => ({ entries: capabilities() }),
    examples: () => loadExamples(examplesDir, capabilities()),
    run: async ({ source, options }) => {
      const o = options ?? RunOptions.parse({});
      if (o.unsafe) {
        // The request asks; consent comes from outside the page, for every run.
        const answer = await (opts.consentToUnsafe ?? noConsent)(unsafeRequest(source));
        if (!answer.ok) throw new RunRefused(answer.message);
      }
      const s = engine.run(source, o);
      return { sessionId: s.id, recordingPath: s.recordingPath };
    },
    stop: async ({ sessionId }) => {
      const s = engine.get(sessionId);
      if (!s) throw new Error(`no such session: ${sessionId}`);
      const stopped = await s.stop();
      return { stopped, status: s.status() };
    },
    sessions: () => engine.list(),
    readLog: ({ sessionId, start, count }) => {
      const s = engine.get(sessionId);
      if (!s) throw new Error(`no such session: ${sessionId} (it ended long ago or never ran)`);
      return s.readLog(start, count);
    },
    flameGraph: ({ sessionId, map, minFraction, focus }) => {
      const s = engine.get(sessionId);
      if (!s) throw new Error(`no such session: ${sessionId}`);
      const r = s.flameGraph(map, minFraction, focus);
      return { total: r.total, nodes: r.nodes, prunedNodes: r.prunedNodes, tree: r.tree };
    },
    recordingTail: (p) => recordingTail((id) => engine.get(id), p),
    listProbes: (q) => catalog().listProbes(q),
    probeTree: (p) => catalog().probeTree(p ?? {}),
    listProcesses: () => listProcesses(),
    processObjects: ({ pid }) => processObjects(pid),
    describeProbe: ({ name, binary }) => catalog().describeProbe(name, binary),
    describeStruct: ({ name }) => catalog().describeStruct(name),
    measureRate: ({ probe, seconds }) => measureRate(engine, probe, seconds),
    diagnose: async ({ source }) => {
      const t0 = performance.now();
      if (!source.trim()) return { diagnostics: [], tookMs: 0 };
      // The same script limit as a run (size, binary), said where the editor shows problems.
      const problem = scriptProblem(source);
      if (problem) return { diagnostics: [{ severity: 'error', message: problem }], tookMs: 0 };
      const ours = capabilityDiagnostics(source, capabilities());
      const b = checkBpftrace(opts.engine?.env);
      const theirs = b.ok ? await bpftraceDryRun(b.path, source) : [{ severity: 'warning' as const, message: b.message }];
      return { diagnostics: mergeDiagnostics(ours, theirs), tookMs: Math.round(performance.now() - t0) };
    },
    // The recordings library, exports and imports (node/recordings/methods.ts).
    ...library.impl,
    ...remote.impl,
  };
  return {
    impl,
    engine,
    catalog,
    capabilities,
    events: { session: (l) => engine.onUpdate(l) },
    shutdown: async () => {
      await Promise.all([engine.stopAll(), remote.stopAll()]);
    },
    exportsDir: library.exportsDir,
    recordingsDir,
  };
}
