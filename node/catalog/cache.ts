// The built catalog's on-disk cache, keyed by the kernel build and bpftrace version.
// Reads and writes never throw: a bad or missing cache means a rebuild.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BtfFunction } from '../native.js';
import type { TracepointField } from './tracepoints.js';

/** Bump when CatalogData's shape changes. */
// Bump when what is cached changes shape or content (parsers, filters).
export const CACHE_FORMAT = 2;

/** Everything read from the kernel (the index is rebuilt from it in memory). */
export interface CatalogData {
  format: number;
  key: string;
  builtAt: string;
  /** `subsys:event`. */
  tracepoints: string[];
  formats: Record<string, TracepointField[]>;
  kprobeSource: 'available_filter_functions' | 'kallsyms' | 'none';
  /** [name, module]. */
  kprobes: Array<[string, string]>;
  kfuncs: BtfFunction[];
  notes: string[];
}

export interface CacheKeyInput {
  osrelease: string;
  version: string;
  bpftrace: string;
}

export function readKeyInput(proc: string, bpftrace: string): CacheKeyInput {
  const read = (p: string) => {
    try {
      return fs.readFileSync(p, 'utf8').trim();
    } catch {
      return '';
    }
  };
  return { osrelease: read(path.join(proc, 'sys/kernel/osrelease')), version: read(path.join(proc, 'version')), bpftrace };
}

export function cacheKey(k: CacheKeyInput): string {
  const versionHash = crypto.createHash('sha256').update(k.version).digest('hex').slice(0, 16);
  return crypto.createHash('sha256').update(`${CACHE_FORMAT}\n${k.osrelease}\n${versionHash}\n${k.bpftrace}`).digest('hex').slice(0, 32);
}

export function cacheFile(dir: string, key: string): string {
  return path.join(dir, `catalog-${key}.json`);
}

export function loadCache(dir: string | null, key: string): CatalogData | null {
  if (!dir) return null;
  try {
    const data = JSON.parse(fs.readFileSync(cacheFile(dir, key), 'utf8')) as CatalogData;
    if (data.format !== CACHE_FORMAT || data.key !== key || !Array.isArray(data.tracepoints) || !Array.isArray(data.kprobes)) return null;
    return data;
  } catch {
    return null;
  }
}

/** Write atomically; returns an error message instead of throwing. */
export function saveCache(dir: string | null, data: CatalogData): string | null {
  if (!dir) return null;
  const file = cacheFile(dir, data.key);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
    return null;
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* ignore */
    }
    return `the catalog cache could not be written to ${dir}: ${(e as Error).message}`;
  }
}
