// The contract's recordings methods over the library, the exporters (node/exports)
// and the importers (common/import, node/imports). The backend spreads these into its impl.
import fs from 'node:fs';
import path from 'node:path';
import type { KscopeImpl } from '../../common/contract/index.js';
import { EXPORT_TYPES, diffRecordings, exportRecording } from '../exports/index.js';
import { importText, writeRecording } from '../imports/index.js';
import { distinctName, importName } from '../../common/import/import-name.js';
import type { Engine } from '../engine/sessions.js';
import { RecordingsLibrary } from './library.js';
import { RecordingLogs } from './recording-log.js';
import { recordingIdOf } from './paths.js';
import { exportsDirFor } from './settings.js';

export type LibraryMethodName = 'recordings' | 'renameRecording' | 'deleteRecording' | 'openRecording' | 'recordingAt' | 'readRecordingLog' | 'exportRecording' | 'importText' | 'diffRecordings';

export interface LibraryMethodsConfig {
  /** null: recordings are off (every method says so). */
  recordingsDir: string | null;
  settingsPath?: string;
  /** Default: beside the recordings ($XDG_DATA_HOME/kscope/exports). */
  exportsDir?: string;
  /** Runs still writing, and when runs end (the engine, or the fake backend's runs). */
  engine: Pick<Engine, 'list' | 'onUpdate'>;
}

export interface LibraryMethods {
  library: RecordingsLibrary | null;
  exportsDir: string | null;
  impl: Pick<KscopeImpl, LibraryMethodName>;
  /** Stop listening to the engine. */
  dispose(): void;
}

/** A map name as part of a file name ("@stacks" stays, anything odd becomes "_"). */
function mapPart(map: string): string {
  return map.replace(/[^A-Za-z0-9_@-]/g, '_').slice(0, 100);
}

export function libraryMethods(cfg: LibraryMethodsConfig): LibraryMethods {
  const { engine } = cfg;
  const writing = () => engine.list().flatMap((s) => (s.status.state !== 'exited' && s.recordingPath ? [s.recordingPath] : []));
  const library = cfg.recordingsDir ? new RecordingsLibrary({ dir: cfg.recordingsDir, settingsPath: cfg.settingsPath, writing }) : null;
  const exportsDir = cfg.exportsDir ?? (cfg.recordingsDir ? exportsDirFor(cfg.recordingsDir) : null);
  const logs = new RecordingLogs();
  const lib = (): RecordingsLibrary => {
    if (!library) throw new Error('recordings are off in this kscope (no recordings folder)');
    return library;
  };

  // After each run ends, keep the folder under the cap (off the update path: it lists the folder).
  const capped = new Set<string>();
  const off = engine.onUpdate((u) => {
    if (!library || u.status.state !== 'exited' || capped.has(u.sessionId)) return;
    capped.add(u.sessionId);
    if (capped.size > 1000) capped.clear();
    // A folder we cannot read now: the next list tries again.
    setImmediate(() => library.enforceCap().catch(() => undefined));
  });

  const impl: LibraryMethods['impl'] = {
    recordings: (p) => lib().list(p?.query),
    renameRecording: ({ id, name }) => lib().rename(id, name),
    deleteRecording: ({ id }) => lib().remove(id),
    openRecording: ({ id }) => lib().open(id),
    recordingAt: ({ id, t, printfLimit }) => lib().at(id, t, printfLimit),
    readRecordingLog: ({ id, start, count }) => logs.read(lib().existing(id), start, count),
    exportRecording: async ({ id, format, map }) => {
      const rec = lib().existing(id);
      if (!exportsDir) throw new Error('exports are off in this kscope (no exports folder)');
      fs.mkdirSync(exportsDir, { recursive: true });
      const name = `${id}${map !== undefined ? `.${mapPart(map)}` : ''}.${EXPORT_TYPES[format].extension}`;
      const out = path.join(exportsDir, name);
      const r = await exportRecording(rec, format, out, { map });
      return { name, path: out, bytes: r.bytes, mime: r.mime, warnings: r.warnings };
    },
    importText: async ({ text, as, name, from, perf }) => {
      const l = lib();
      const r = importText(text, as, { name, perf, ...(from ? { from } : {}) });
      const file = writeRecording(l.dir, r.header, r.events);
      const id = recordingIdOf(path.basename(file));
      if (!id) throw new Error(`the import was written to an unexpected name: ${file}`);
      // Every import gets a name of its own: the user's, else file · format · time; never one the library has.
      const taken = (await l.list()).items.filter((s) => s.id !== id).map((s) => s.name);
      const wanted = name?.replace(/\s+/g, ' ').trim() || importName({ from, format: r.format, at: new Date(r.header.startedAt) });
      await l.rename(id, distinctName(wanted, taken));
      await l.enforceCap(); // never removes the newest: this import
      return { summary: await l.summary(id), format: r.format, problems: r.problems.map((p) => ({ line: p.line, reason: p.reason })) };
    },
    diffRecordings: ({ a, b, mapA, mapB }) => diffRecordings(lib().existing(a), lib().existing(b), { mapA, mapB }),
  };
  return { library, exportsDir, impl, dispose: off };
}
