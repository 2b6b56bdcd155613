// Typed wrapper over the native addon, with a clear error when it was not built.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

export interface BtfParam {
  name: string;
  /** C type as text, e.g. "struct file *", "const char *", "size_t". */
  type: string;
}
export interface BtfFunction {
  name: string;
  returnType: string;
  params: BtfParam[];
  /** "vmlinux" or the module name. */
  module: string;
}
export interface BtfStruct {
  name: string;
  size: number;
  members: { name: string; type: string; offset: number; size: number; bitfieldSize?: number }[];
}
export interface ElfSymbol {
  name: string;
  /** st_value as a number (fits: user-space addresses are below 2^53). */
  address: number;
  size: number;
  kind: 'func' | 'object' | 'other';
  binding: 'global' | 'local' | 'weak' | 'other';
}
export interface UsdtNote {
  provider: string;
  name: string;
  address: number;
  semaphore: number;
  /** The argument spec string, e.g. "-4@%edi 8@%rsi". */
  args: string;
}

export interface NativeAddon {
  version(): string;
  getParentDeathSignal(): number;
  setParentDeathSignal(sig: number): boolean;
  parentPid(): number;
  /** Every FUNC in a BTF file with its prototype. Module BTF needs the vmlinux BTF as base. */
  btfFunctions(path: string, basePath?: string): BtfFunction[];
  /** A struct or union by name (null when absent). */
  btfStruct(path: string, name: string, basePath?: string): BtfStruct | null;
  /** Function and object symbols of an ELF file (.symtab, else .dynsym); throws on non-ELF. */
  elfSymbols(path: string): ElfSymbol[];
  /** The .note.stapsdt USDT probes of an ELF file (empty when none). */
  usdtNotes(path: string): UsdtNote[];
  /** Effective capabilities of this process by name (e.g. ["CAP_BPF", "CAP_SYS_ADMIN", ...]). */
  effectiveCapabilities(): string[];
  /** Try perf_event_open of a hardware CPU-cycles counter: does this machine have hardware counters? */
  probeHardwareCounters(): { ok: boolean; errno: number; message: string };
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
