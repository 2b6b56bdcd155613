// User-space probes of a binary (uprobe/uretprobe from ELF symbols, usdt from .note.stapsdt)
// or of a running process (its mapped executable objects). Parsers pure; roots parameters.
import fs from 'node:fs';
import path from 'node:path';
import type { ElfSymbol, NativeAddon, UsdtNote } from '../native.js';
import type { ProbeType } from '../../common/contract/index.js';
import { restMatches, type UserGlob } from '../../common/bpftrace/user-glob.js';
import { debugFileFor } from './debug-file.js';

export class UprobeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UprobeError';
  }
}

export interface UserProbe {
  name: string;
  type: Extract<ProbeType, 'uprobe' | 'uretprobe' | 'usdt'>;
  /** The binary or library. */
  group: string;
  /** usdt: the argument spec (`-4@%edi 8@%rsi`). */
  usdtArgs?: string;
}

export interface UserProbeList {
  probes: UserProbe[];
  notes: string[];
}

/** `/proc/<pid>/maps` → the distinct file-backed objects mapped executable, in map order. */
export function parseMaps(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split('\n')) {
    // address perms offset dev inode pathname
    const m = /^\S+\s+(\S{4})\s+\S+\s+\S+\s+\d+\s+(.*)$/.exec(line);
    if (!m || m[1][2] !== 'x') continue;
    const p = m[2].trim();
    if (!p.startsWith('/') || seen.has(p)) continue;
    seen.add(p);
    out.push(p);
  }
  return out;
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

function checkElf(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UprobeError(`${file}: no such file (uprobes need the path of an executable or library)`);
    throw new UprobeError(`${file}: cannot be read: ${(e as Error).message}`);
  }
  if (st.isDirectory()) throw new UprobeError(`${file} is a directory, not an executable or library`);
  const head = Buffer.alloc(18);
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, 'r');
    fs.readSync(fd, head, 0, 18, 0);
  } catch (e) {
    throw new UprobeError(`${file}: cannot be read: ${(e as Error).message}`);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  if (!head.subarray(0, 4).equals(ELF_MAGIC)) throw new UprobeError(`${file} is not an ELF file (uprobes attach to ELF executables and shared libraries)`);
  // e_type: ET_EXEC (2) or ET_DYN (3) can be mapped and probed; bpftrace -l lists nothing else.
  const type = head[5] === 2 ? head.readUInt16BE(16) : head.readUInt16LE(16);
  if (type !== 2 && type !== 3) throw new UprobeError(`${file} is an ELF ${type === 1 ? 'relocatable object (.o)' : type === 4 ? 'core file' : `file of type ${type}`}, not an executable or shared library: uprobes attach to those`);
}

function needNative(native: () => NativeAddon, fn: 'elfSymbols' | 'usdtNotes'): NativeAddon {
  const addon = native();
  if (typeof addon[fn] !== 'function') throw new UprobeError(`cannot read ELF symbols: this build of the native addon has no ${fn}() (rebuild it with npm run build:native)`);
  return addon;
}

/**
 * Is this symbol a function bpftrace lists? GCC's partial-inlining pieces (`detach_arena.part.0`)
 * and their clones (`str_to_mpn.part.0.constprop.0`) are not entry points, and bpftrace -l (0.17 to 0.27) leaves them out; `.cold` and
 * `.constprop` clones it lists.
 */
export function listedFunction(s: ElfSymbol): boolean {
  return s.kind === 'func' && s.name !== '' && !/\.part\.\d+(\.|$)/.test(s.name);
}

/** Probes from already-read symbols and notes (pure). */
export function userProbesFrom(file: string, symbols: ElfSymbol[], notes: UsdtNote[]): UserProbe[] {
  const funcs = [...new Set(symbols.filter(listedFunction).map((s) => s.name))].sort();
  const out: UserProbe[] = [];
  for (const s of funcs) out.push({ name: `uprobe:${file}:${s}`, type: 'uprobe', group: file });
  for (const s of funcs) out.push({ name: `uretprobe:${file}:${s}`, type: 'uretprobe', group: file });
  const seen = new Set<string>();
  for (const n of notes) {
    const name = `usdt:${file}:${n.provider}:${n.name}`;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ name, type: 'usdt', group: file, usdtArgs: n.args });
  }
  return out;
}

/** uprobe/uretprobe/usdt probes of one ELF file. Throws UprobeError on a bad path. */
export function listBinary(file: string, native: () => NativeAddon): UserProbeList {
  const abs = path.resolve(file);
  checkElf(abs);
  let addon: NativeAddon;
  try {
    addon = needNative(native, 'elfSymbols');
  } catch (e) {
    throw new UprobeError(`cannot list the probes of ${abs}: ${(e as Error).message}`);
  }
  let symbols: ElfSymbol[];
  try {
    symbols = addon.elfSymbols(abs);
  } catch (e) {
    throw new UprobeError(`${abs}: reading ELF symbols failed: ${(e as Error).message}`);
  }
  let usdt: UsdtNote[] = [];
  const notes: string[] = [];
  const debug = debugFileFor(abs);
  if (debug) {
    try {
      symbols = symbols.concat(addon.elfSymbols(debug));
      notes.push(`${abs}: functions also from its debug file ${debug} (as bpftrace lists them)`);
    } catch (e) {
      notes.push(`${abs}: its debug file ${debug} could not be read: ${(e as Error).message}`);
    }
  }
  if (typeof addon.usdtNotes === 'function') {
    try {
      usdt = addon.usdtNotes(abs);
    } catch (e) {
      notes.push(`${abs}: USDT notes could not be read: ${(e as Error).message}`);
    }
  } else notes.push('USDT probes are not listed: this build of the native addon has no usdtNotes()');
  const probes = userProbesFrom(abs, symbols, usdt);
  if (!probes.some((p) => p.type === 'uprobe')) notes.push(`${abs} has no function symbols (stripped?): uprobes can still attach by address (uprobe:${abs}:0xADDR)`);
  return { probes, notes };
}

/** The probes of every executable object a running process maps. Throws when the PID is gone. */
export function listPid(pid: number, native: () => NativeAddon, proc = '/proc', list: (file: string) => UserProbeList = (f) => listBinary(f, native)): UserProbeList {
  let maps: string;
  try {
    maps = fs.readFileSync(path.join(proc, String(pid), 'maps'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') throw new UprobeError(`process ${pid} does not exist (it may have exited)`);
    throw new UprobeError(`cannot read the memory maps of process ${pid}: ${(e as Error).message}`);
  }
  const objects = parseMaps(maps);
  if (objects.length === 0) return { probes: [], notes: [`process ${pid} maps no executable files (a kernel thread?)`] };
  const probes: UserProbe[] = [];
  const notes: string[] = [];
  for (const obj of objects) {
    try {
      const r = list(obj);
      probes.push(...r.probes);
      notes.push(...r.notes);
    } catch (e) {
      notes.push((e as Error).message);
    }
  }
  notes.unshift(`process ${pid}: ${objects.length} mapped executable object(s)`);
  return { probes, notes };
}

/**
 * The probes of every file a path pattern matched whose function (or USDT provider:name)
 * matches the pattern's rest, as `bpftrace -l` lists them. Files that are not ELF are skipped
 * as bpftrace skips them (counted in a note); only what the type needs is read (USDT notes
 * for usdt, symbols for uprobe/uretprobe).
 */
export function listMatching(files: string[], g: Pick<UserGlob, 'type' | 'rest'>, native: () => NativeAddon): UserProbeList {
  const probes: UserProbe[] = [];
  const notes: string[] = [];
  let notElf = 0;
  let failed = 0;
  const fn = g.type === 'usdt' ? 'usdtNotes' : 'elfSymbols';
  const addon = needNative(native, fn);
  for (const file of files) {
    try {
      checkElf(file);
    } catch {
      notElf++;
      continue;
    }
    try {
      if (g.type === 'usdt') {
        const seen = new Set<string>();
        for (const n of addon.usdtNotes(file)) {
          const name = `usdt:${file}:${n.provider}:${n.name}`;
          if (seen.has(name) || !restMatches(g, { provider: n.provider, name: n.name })) continue;
          seen.add(name);
          probes.push({ name, type: 'usdt', group: file, usdtArgs: n.args });
        }
      } else {
        const fns = new Set<string>();
        const debug = debugFileFor(file);
        const symbols = debug ? addon.elfSymbols(file).concat(addon.elfSymbols(debug)) : addon.elfSymbols(file);
        for (const s of symbols) if (listedFunction(s) && restMatches(g, { fn: s.name })) fns.add(s.name);
        for (const s of [...fns].sort()) probes.push({ name: `${g.type}:${file}:${s}`, type: g.type, group: file });
      }
    } catch (e) {
      failed++;
      if (failed <= 3) notes.push(`${file}: ${(e as Error).message}`);
    }
  }
  const skipped = notElf ? `; ${notElf.toLocaleString('en-US')} not ELF executables or libraries, skipped as bpftrace skips them` : '';
  notes.unshift(`${files.length.toLocaleString('en-US')} ${files.length === 1 ? 'file' : 'files'} matched the path${skipped}${failed ? `; ${failed} could not be read` : ''}`);
  return { probes, notes };
}
