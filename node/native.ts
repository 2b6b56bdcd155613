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
  /** In order; the name is "" for an unnamed parameter. */
  params: BtfParam[];
  /** Present (true) when the function takes "..." after `params`. */
  variadic?: boolean;
  /** "vmlinux" or the module name. */
  module: string;
}
export interface BtfStruct {
  name: string;
  /** Always set by the addon (optional so fixtures may omit it). */
  kind?: 'struct' | 'union';
  size: number;
  /**
   * In declaration order. Members of anonymous struct/union members are flattened in, at
   * their absolute offsets, as bpftrace reaches them. `offset` is in bytes (bit offset / 8),
   * `size` the member type's size (0 for a flexible array); bitfields also give their
   * width and absolute bit offset.
   */
  members: BtfStructMember[];
}
export interface BtfStructMember {
  name: string;
  type: string;
  offset: number;
  size: number;
  bitfieldSize?: number;
  bitOffset?: number;
  /** An anonymous struct/union member's type's own members (offsets relative to it). */
  members?: BtfStructMember[];
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
  /** The probe's pc (link-time address), adjusted by .stapsdt.base's actual address minus `base`. */
  address: number;
  /** 0 when the probe has no semaphore. */
  semaphore: number;
  /** The .stapsdt.base address recorded in the note (always set by the addon). */
  base?: number;
  /** The argument spec string, e.g. "-4@%edi 8@%rsi". */
  args: string;
}

export interface NativeAddon {
  version(): string;
  getParentDeathSignal(): number;
  setParentDeathSignal(sig: number): boolean;
  parentPid(): number;
  /**
   * Every FUNC in a BTF file with its prototype, in BTF order (a name may repeat: static
   * functions of different files). Module BTF needs the vmlinux BTF as base and then lists
   * only the module's own functions. Throws "BTF not found at <path>", "not a BTF file: ...".
   */
  btfFunctions(path: string, basePath?: string): BtfFunction[];
  /** A struct or union by name (null when absent). */
  btfStruct(path: string, name: string, basePath?: string): BtfStruct | null;
  /**
   * Defined function (FUNC, GNU_IFUNC) and object symbols of an ELF file (.symtab, else
   * .dynsym), sorted by address then name, identical entries once; imports (undefined
   * symbols) are left out. Throws "no such file: <path>", "not an ELF file: <path>".
   */
  elfSymbols(path: string): ElfSymbol[];
  /** The .note.stapsdt USDT probes of an ELF file (empty when none); throws as elfSymbols. */
  usdtNotes(path: string): UsdtNote[];
  /** Effective capabilities of this process by name (e.g. ["CAP_BPF", "CAP_SYS_ADMIN", ...]). */
  effectiveCapabilities(): string[];
  /** Try perf_event_open of a hardware CPU-cycles counter: does this machine have hardware counters? */
  probeHardwareCounters(): PerfProbe;
  /** The same with a software CPU-clock counter, which every kernel with perf events has. */
  probeSoftwareCounter(): PerfProbe;
  /**
   * A pipe (two O_CLOEXEC fds the caller must close) enlarged with F_SETPIPE_SZ towards
   * `size` as far as the kernel allows; `size` is what it got. For bpftrace's stdout.
   */
  pipe(size: number): { read: number; write: number; size: number };
  /** A connected AF_UNIX stream socket pair (O_CLOEXEC; the caller closes both). */
  socketPair(): [number, number];
  /** Sends a copy of `fd` over the unix socket `socket` (SCM_RIGHTS) with a u32 tag; throws on failure. */
  sendFd(socket: number, fd: number, tag: number): void;
  /** The next descriptor sent on `socket` and its tag; throws at once when none is waiting. */
  recvFd(socket: number): { fd: number; tag: number };
  isUnixSocket(fd: number): boolean;
  /**
   * Ask the kernel to load a two-instruction tracing program for `kind` at `target` (a kernel
   * function for fentry/fexit, a raw tracepoint for tp_btf); closed at once, never attached.
   */
  probeTracingLoad(kind: 'fentry' | 'fexit' | 'tp_btf', target: string): ProgLoadProbe;
}

export interface ProgLoadProbe {
  ok: boolean;
  /** 0 when ok; EPERM when the kernel refuses before the verifier. */
  errno: number;
  message: string;
  /** The verifier's log (empty when it never ran). */
  log: string;
}

export interface PerfProbe {
  ok: boolean;
  /** 0 when ok. */
  errno: number;
  message: string;
}

/** What the .node file exports: btfFunctions is packed there (see kscope_native.cc). */
export interface RawNativeAddon extends Omit<NativeAddon, 'btfFunctions'> {
  btfFunctionsPacked(path: string, basePath?: string): { module: string; strings: string; functions: Uint32Array };
}

/** Builds the function objects from the addon's packed form (string table + indices). */
export function unpackBtfFunctions(p: { module: string; strings: string; functions: Uint32Array }): BtfFunction[] {
  const s = p.strings.split('\0');
  const w = p.functions;
  const out: BtfFunction[] = [];
  for (let i = 0; i < w.length; ) {
    const name = s[w[i++]];
    const returnType = s[w[i++]];
    const flags = w[i++];
    const n = flags & 0xffff;
    const params: BtfParam[] = new Array<BtfParam>(n);
    for (let j = 0; j < n; j++) params[j] = { name: s[w[i++]], type: s[w[i++]] };
    const f: BtfFunction = { name, returnType, params, module: p.module };
    if (flags & 0x10000) f.variadic = true;
    out.push(f);
  }
  return out;
}

function wrap(raw: RawNativeAddon): NativeAddon {
  if (typeof raw.btfFunctionsPacked !== 'function') throw new Error('it predates btfFunctionsPacked (out of date)');
  const { btfFunctionsPacked, ...rest } = raw;
  return { ...rest, btfFunctions: (path, basePath) => unpackBtfFunctions(btfFunctionsPacked(path, basePath)) };
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
    const addon = wrap(req(file) as RawNativeAddon);
    if (!paths) loaded = addon;
    return addon;
  } catch (e) {
    throw new Error(`kscope's native addon at ${file} failed to load: ${(e as Error).message}; rebuild it with npm run build:native`, { cause: e });
  }
}
