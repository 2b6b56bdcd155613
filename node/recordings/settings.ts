// The user's settings file ($XDG_CONFIG_HOME/kscope/settings.json): what the library needs
// from it. A missing or damaged file means defaults (a typo must not cost recordings).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DEFAULT_RECORDINGS_CAP_BYTES = 2 * 1024 ** 3;

export function defaultSettingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'kscope', 'settings.json');
}

/** Where exports go: beside the recordings ($XDG_DATA_HOME/kscope/exports). */
export function exportsDirFor(recordingsDir: string): string {
  return path.join(path.dirname(recordingsDir), 'exports');
}

export interface LibrarySettings {
  recordingsCapBytes: number;
}

export function readLibrarySettings(file: string): LibrarySettings {
  let raw: unknown = null;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // absent or not JSON: defaults
  }
  const cap = (raw as { recordingsCapBytes?: unknown } | null)?.recordingsCapBytes;
  return { recordingsCapBytes: typeof cap === 'number' && Number.isFinite(cap) && cap >= 0 ? cap : DEFAULT_RECORDINGS_CAP_BYTES };
}
