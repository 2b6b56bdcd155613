// Ids and names from the renderer (untrusted) become paths only here: checked against the
// contract's RecordingId shape, and the resolved path must stay inside its folder.
import path from 'node:path';
import { RecordingId } from '../../common/contract/index.js';

export const RECORDING_EXT = '.ndjson';

export class BadRecordingId extends Error {}

/** The file of recording `id` in `dir`; throws for anything that is not a plain name inside it. */
export function recordingPath(dir: string, id: string): string {
  if (!RecordingId.safeParse(id).success) throw new BadRecordingId(`not a recording id: ${JSON.stringify(id)}`);
  return insideDir(dir, id + RECORDING_EXT, () => new BadRecordingId(`not a recording id: ${JSON.stringify(id)}`));
}

/** The id of a recording file name, or null when the name is not one (hidden files, other extensions). */
export function recordingIdOf(fileName: string): string | null {
  if (!fileName.endsWith(RECORDING_EXT)) return null;
  const id = fileName.slice(0, -RECORDING_EXT.length);
  return RecordingId.safeParse(id).success ? id : null;
}

function insideDir(dir: string, name: string, err: () => Error): string {
  const root = path.resolve(dir);
  const p = path.resolve(root, name);
  if (path.dirname(p) !== root) throw err();
  return p;
}

export interface ExportDownload {
  path: string;
  name: string;
  mime: string;
}

const MIME: Record<string, string> = {
  '.folded': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.speedscope.json': 'application/json',
  '.pb.gz': 'application/gzip',
  '.gz': 'application/gzip',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ndjson': 'application/x-ndjson',
};

/** A content type for an export file name (longest known extension wins). */
export function exportMime(name: string): string {
  const lower = name.toLowerCase();
  let best = '';
  for (const ext of Object.keys(MIME)) if (lower.endsWith(ext) && ext.length > best.length) best = ext;
  return best ? MIME[best] : 'application/octet-stream';
}

/**
 * A file in the exports folder by its name, for the browser-mode download route
 * (GET /exports/NAME): a plain file name (no separators, not hidden, no NUL), resolved
 * inside `exportsDir`. Null for anything else; the caller answers 404 (and checks the file exists).
 */
export function resolveExportDownload(exportsDir: string, name: string): ExportDownload | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    return null;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]*$/.test(decoded) || decoded.length > 400) return null;
  try {
    const p = insideDir(exportsDir, decoded, () => new Error('outside'));
    return { path: p, name: decoded, mime: exportMime(decoded) };
  } catch {
    return null;
  }
}
