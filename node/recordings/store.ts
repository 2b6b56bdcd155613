// The library's two small files in the recordings folder (hidden: no recording id can name
// them). `.kscope-index.json` caches each recording's scan keyed by file name, size and
// mtime (a cache: deleting it costs one rescan). `.kscope-names.json` holds the user's
// names for recordings (user data: ids never change, so a rename never moves a file).
// Both are written to a temporary file and renamed over, so a crash leaves old or new.
import fs from 'node:fs';
import path from 'node:path';
import type { ScanSummary } from './scan.js';

export const INDEX_FILE = '.kscope-index.json';
export const NAMES_FILE = '.kscope-names.json';
const INDEX_VERSION = 1;

export interface CachedScan {
  size: number;
  mtimeMs: number;
  /** The scan, or why the file could not be read as a recording. */
  scan: ScanSummary | null;
  problem: string | null;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function writeJsonAtomic(file: string, value: unknown, strict = false): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    // A full or read-only disk: the cache is only a cache; names are retried on the next write.
    fs.rmSync(tmp, { force: true });
    if (strict) throw new Error(`cannot write ${file}: ${(e as Error).message}`, { cause: e });
  }
}

export class ScanCache {
  private entries = new Map<string, CachedScan>();
  private dirty = false;

  constructor(private readonly dir: string) {
    const raw = readJson(path.join(dir, INDEX_FILE)) as { version?: number; entries?: Record<string, CachedScan> } | null;
    if (raw?.version === INDEX_VERSION && raw.entries && typeof raw.entries === 'object') this.entries = new Map(Object.entries(raw.entries));
  }

  get(file: string, size: number, mtimeMs: number): CachedScan | null {
    const e = this.entries.get(file);
    return e && e.size === size && e.mtimeMs === mtimeMs ? e : null;
  }

  set(file: string, entry: CachedScan): void {
    this.entries.set(file, entry);
    this.dirty = true;
  }

  /** Forget files that are gone. */
  keepOnly(files: ReadonlySet<string>): void {
    for (const k of this.entries.keys()) {
      if (!files.has(k)) {
        this.entries.delete(k);
        this.dirty = true;
      }
    }
  }

  save(): void {
    if (!this.dirty) return;
    writeJsonAtomic(path.join(this.dir, INDEX_FILE), { version: INDEX_VERSION, entries: Object.fromEntries(this.entries) });
    this.dirty = false;
  }
}

/** The user's names, re-read on every access (another kscope process may have renamed). */
export class Names {
  constructor(private readonly dir: string) {}

  all(): Record<string, string> {
    const raw = readJson(path.join(this.dir, NAMES_FILE)) as { names?: Record<string, unknown> } | null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw?.names ?? {})) if (typeof v === 'string') out[k] = v;
    return out;
  }

  set(id: string, name: string | null): void {
    const names = this.all();
    if (name === null) {
      if (!(id in names)) return;
      delete names[id];
    } else names[id] = name;
    fs.mkdirSync(this.dir, { recursive: true });
    writeJsonAtomic(path.join(this.dir, NAMES_FILE), { version: 1, names }, true);
  }
}
