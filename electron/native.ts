// Typed wrapper over the native addon, with a clear error when it was not built.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

export interface NativeAddon {
  version(): string;
  getParentDeathSignal(): number;
  setParentDeathSignal(sig: number): boolean;
  parentPid(): number;
}

declare const __dirname: string | undefined;

export function nativeAddonCandidates(): string[] {
  const rel = ['native', 'build', 'Release', 'kscope_native.node'];
  const out = [path.resolve(process.cwd(), ...rel)];
  if (typeof __dirname === 'string') out.unshift(path.resolve(__dirname, '..', '..', ...rel));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) out.unshift(path.join(resourcesPath, 'native', 'kscope_native.node'));
  return out;
}

let loaded: NativeAddon | null = null;

/** Load the addon (cached); `candidates` overrides where to look (and skips the cache). */
export function loadNative(paths?: string[]): NativeAddon {
  if (loaded && !paths) return loaded;
  const candidates = paths ?? nativeAddonCandidates();
  const file = candidates.find((c) => fs.existsSync(c));
  if (!file) throw new Error(`kscope's native addon is not built (looked in ${candidates.join(', ')}): run npm run build:native (needs g++, make, python3)`);
  const req = createRequire(typeof __dirname === 'string' ? path.join(__dirname, 'x.js') : path.join(process.cwd(), 'x.js'));
  try {
    const addon = req(file) as NativeAddon;
    if (!paths) loaded = addon;
    return addon;
  } catch (e) {
    throw new Error(`kscope's native addon at ${file} failed to load: ${(e as Error).message}; rebuild it with npm run build:native`, { cause: e });
  }
}
