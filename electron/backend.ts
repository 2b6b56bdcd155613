// The privileged side's implementation of the contract, shared by Electron IPC, the
// WebSocket host and the CLI: engine + capabilities + examples behind one object.
import os from 'node:os';
import path from 'node:path';
import { RunOptions, type Capability, type KscopeImpl, type SessionUpdate } from './api/index.js';
import { reasonCapabilities } from './catalog/capabilities.js';
import { gatherEvidence } from './catalog/evidence.js';
import { checkBpftrace } from './engine/bpftrace-binary.js';
import { defaultRecordingsDir } from './engine/recording.js';
import { Engine, type EngineConfig } from './engine/sessions.js';
import { loadExamples } from './examples.js';
import { packageVersion, resourcesDir } from './paths.js';

export interface BackendOptions {
  recordingsDir?: string | null;
  resourcesDir?: string;
  engine?: Partial<EngineConfig>;
}

export interface Backend {
  impl: KscopeImpl;
  engine: Engine;
  capabilities(): Record<string, Capability>;
  onSessionUpdate(l: (u: SessionUpdate) => void): () => void;
  shutdown(): Promise<void>;
}

export function createBackend(opts: BackendOptions = {}): Backend {
  const version = packageVersion();
  let caps: { at: number; value: Record<string, Capability> } | null = null;
  const capabilities = () => {
    // Evidence changes rarely (a mount, an install); re-read at most every 10 s.
    if (!caps || Date.now() - caps.at > 10_000) caps = { at: Date.now(), value: reasonCapabilities(gatherEvidence()) };
    return caps.value;
  };
  const engine = new Engine({
    kscopeVersion: version,
    recordingsDir: opts.recordingsDir === undefined ? defaultRecordingsDir() : opts.recordingsDir,
    capabilities,
    ...opts.engine,
  });
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
    examples: () => loadExamples(examplesDir),
    run: ({ source, options }) => {
      const s = engine.run(source, options ?? RunOptions.parse({}));
      return { sessionId: s.id, recordingPath: s.recordingPath };
    },
    stop: async ({ sessionId }) => {
      const s = engine.get(sessionId);
      if (!s) throw new Error(`no such session: ${sessionId}`);
      const stopped = await s.stop();
      return { stopped, status: s.status() };
    },
    sessions: () => engine.list(),
  };
  return {
    impl,
    engine,
    capabilities,
    onSessionUpdate: (l) => engine.onUpdate(l),
    shutdown: () => engine.stopAll(),
  };
}
