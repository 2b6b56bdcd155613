// The probe catalog: reads the kernel once (lazily, cached on disk by kernel build),
// indexes every probe name and answers listProbes / probeTree / describeProbe /
// describeStruct. The readers take their roots as parameters so tests run on fixtures.
import { createBtfStructReader } from './btf-structs.js';
import { parseUserGlob, restMatches, type UserGlob } from '../../common/bpftrace/user-glob.js';
import { expandPathGlob } from './path-glob.js';
import fs from 'node:fs';
import path from 'node:path';
import { PROBE_TYPES, probeTypeOf, type Capability, type ListProbesResult, type ProbeDescription, type ProbeTreeResult, type ProbeType, type StructLayout } from '../../common/contract/index.js';
import { loadNative, type BtfFunction, type NativeAddon } from '../native.js';
import { CACHE_FORMAT, cacheFile, cacheKey, loadCache, readKeyInput, saveCache, type CatalogData } from './cache.js';
import { describe } from './describe.js';
import { fixedProbeFor, fixedProbes } from '../../common/bpftrace/probe-types.js';
import { kfuncName, readKfuncs } from './kfuncs.js';
import { readKprobeFunctions } from './kprobes.js';
import { SearchIndex, type IndexEntry } from './search.js';
import type { CatalogOptions, CatalogService, ListProbesQuery } from './service.js';
import { readFormat, readTracepoints, type TracepointField } from './tracepoints.js';
import { listBinary, listMatching, listPid, UprobeError, type UserProbe, type UserProbeList } from './uprobes.js';
import { ensureTracefs } from './tracefs.js';

export interface CatalogRoots {
  /** tracefs mount (null: not mounted). */
  tracefs: string | null;
  /** procfs (kallsyms, version, osrelease, <pid>/maps). */
  proc: string;
  /** /sys/kernel/btf (vmlinux + module BTF files). */
  btfDir: string;
}

export function systemCatalogRoots(): CatalogRoots {
  return { tracefs: ensureTracefs().path, proc: '/proc', btfDir: '/sys/kernel/btf' };
}

export interface CatalogStats {
  /** How the catalog was loaded: built from the kernel ('cold') or read from the cache; null before first use. */
  source: 'cold' | 'cache' | null;
  /** Total time to a usable catalog (read or load + index). */
  loadMs: number;
  /** Reading the kernel (cold) or the cache file. */
  readMs: number;
  indexMs: number;
  probes: number;
  cacheFile: string | null;
  cacheError: string | null;
}

export interface Catalog extends CatalogService {
  stats(): CatalogStats;
  /** Where the names came from, and anything the user should know. */
  notes(): string[];
}

type CatalogCreateOptions = CatalogOptions & { roots?: CatalogRoots; native?: () => NativeAddon };

interface State {
  data: CatalogData;
  index: SearchIndex;
  btfByName: Map<string, BtfFunction>;
  kernelFns: Set<string>;
}

const SINGLE_GROUP: ProbeType[] = ['software', 'hardware', 'profile', 'interval', 'watchpoint', 'BEGIN', 'END'];
const USER_TYPES: ProbeType[] = ['uprobe', 'uretprobe', 'usdt'];

/** `foo.isra.0` → `foo` (BTF knows the source name). */
const baseFunctionName = (n: string) => n.replace(/\.(isra|constprop|part|cold|llvm)\..*$/, '').replace(/\.(cold|part)$/, '');

export function entriesFrom(data: CatalogData): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const tp of data.tracepoints) out.push({ name: `tracepoint:${tp}`, type: 'tracepoint', group: tp.slice(0, tp.indexOf(':')) });
  for (const [name, module] of data.kprobes) out.push({ name: `kprobe:${name}`, type: 'kprobe', group: module });
  for (const [name, module] of data.kprobes) out.push({ name: `kretprobe:${name}`, type: 'kretprobe', group: module });
  for (const f of data.kfuncs) out.push({ name: kfuncName('kfunc', f), type: 'kfunc', group: f.module });
  for (const f of data.kfuncs) out.push({ name: kfuncName('kretfunc', f), type: 'kretfunc', group: f.module });
  for (const p of fixedProbes()) out.push({ name: p.name, type: p.type, group: p.group });
  return out;
}

export function createCatalog(opts: CatalogCreateOptions): Catalog {
  let roots: CatalogRoots | null = opts.roots ?? null;
  const getRoots = () => (roots ??= systemCatalogRoots());
  const native = opts.native ?? (() => loadNative());
  let state: State | null = null;
  const st: CatalogStats = { source: null, loadMs: 0, readMs: 0, indexMs: 0, probes: 0, cacheFile: null, cacheError: null };
  const userCache = new Map<string, { mtimeMs: number; list: UserProbeList; index: SearchIndex; byName: Map<string, UserProbe> }>();
  const globCache = new Map<string, { sig: string; list: UserProbeList }>();
  const indexOf = new WeakMap<UserProbeList, SearchIndex>();
  const mtimeOf = (f: string) => {
    try {
      return fs.statSync(f).mtimeMs;
    } catch {
      return -1;
    }
  };
  let pidCache: { key: string; entry: { list: UserProbeList; index: SearchIndex; byName: Map<string, UserProbe> } } | null = null;

  const caps = (): Record<string, Capability> => {
    try {
      return opts.capabilities();
    } catch {
      return {};
    }
  };
  const capOf = (c: Record<string, Capability>, t: ProbeType): Capability | undefined => c[`probe:${t}`];

  function build(key: string): CatalogData {
    const r = getRoots();
    const tps = readTracepoints(r.tracefs);
    const formats: Record<string, TracepointField[]> = {};
    for (const n of tps.names) {
      const f = readFormat(r.tracefs, n.subsys, n.event);
      if (f) formats[`${n.subsys}:${n.event}`] = f;
    }
    const kp = readKprobeFunctions(r);
    const kf = readKfuncs(r.btfDir, native);
    return {
      format: CACHE_FORMAT,
      key,
      builtAt: new Date().toISOString(),
      tracepoints: tps.names.map((n) => `${n.subsys}:${n.event}`),
      formats,
      kprobeSource: kp.source,
      kprobes: kp.functions.map((f) => [f.name, f.module]),
      kfuncs: kf.functions,
      notes: [...tps.notes, ...kp.notes, ...kf.notes],
    };
  }

  function ensure(): State {
    if (state) return state;
    const t0 = performance.now();
    const r = getRoots();
    const bpftraceId = caps()['bpftrace']?.reason ?? 'bpftrace unknown';
    const key = cacheKey(readKeyInput(r.proc, `${bpftraceId}|${r.tracefs}|${r.btfDir}`));
    let data = loadCache(opts.cacheDir, key);
    st.source = data ? 'cache' : 'cold';
    if (!data) {
      data = build(key);
      st.cacheError = saveCache(opts.cacheDir, data);
    }
    st.cacheFile = opts.cacheDir ? cacheFile(opts.cacheDir, key) : null;
    const t1 = performance.now();
    const index = new SearchIndex(entriesFrom(data));
    const btfByName = new Map<string, BtfFunction>();
    for (const f of data.kfuncs) if (!btfByName.has(f.name)) btfByName.set(f.name, f);
    const kernelFns = new Set<string>(data.kprobes.map(([n]) => n));
    const t2 = performance.now();
    st.readMs = t1 - t0;
    st.indexMs = t2 - t1;
    st.loadMs = t2 - t0;
    st.probes = index.size;
    return (state = { data, index, btfByName, kernelFns });
  }

  function catalogNotes(s: State): string[] {
    const notes = [...s.data.notes];
    if (st.cacheError) notes.push(st.cacheError);
    return notes;
  }

  function userProbes(binary: string | undefined, pid: number | undefined): { list: UserProbeList; index: SearchIndex; byName: Map<string, UserProbe> } {
    if (pid !== undefined) {
      // Each mapped object's list comes from the per-file cache; the process's index is kept
      // while its objects are the same (every keystroke of a search asks again).
      const list = listPid(pid, native, getRoots().proc, (f) => userProbes(f, undefined).list);
      const key = `${pid}\0${list.probes.length}\0${list.notes.join('\0')}`;
      if (pidCache?.key === key) return pidCache.entry;
      const entry = { list, index: new SearchIndex(list.probes), byName: new Map(list.probes.map((p) => [p.name, p])) };
      pidCache = { key, entry };
      return entry;
    }
    const abs = path.resolve(binary!);
    let mtimeMs = -1;
    try {
      mtimeMs = fs.statSync(abs).mtimeMs;
    } catch {
      /* listBinary says why */
    }
    const hit = userCache.get(abs);
    if (hit && hit.mtimeMs === mtimeMs) return hit;
    const list = listBinary(abs, native);
    const entry = { mtimeMs, list, index: new SearchIndex(list.probes), byName: new Map(list.probes.map((p) => [p.name, p])) };
    userCache.set(abs, entry);
    // Bounded: a few processes' libraries, not every file ever browsed.
    while (userCache.size > 128) userCache.delete(userCache.keys().next().value!);
    return entry;
  }

  function listProbes(q: ListProbesQuery): ListProbesResult {
    const t0 = performance.now();
    const c = caps();
    const available = (t: ProbeType) => capOf(c, t)?.available ?? true;
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 500;
    const query = q.query ?? '';
    // `uprobe:/bin/bash:read*`, `uprobe:/usr/lib/*/libc.so.6:malloc*` name their objects: list
    // what bpftrace -l lists for them.
    const named = q.binary === undefined && q.pid === undefined ? parseUserGlob(query) : null;
    if (named) return { ...userPatternSearch(named, q, offset, limit, available), tookMs: performance.now() - t0 };
    if (q.binary !== undefined || q.pid !== undefined) {
      const u = userProbes(q.binary, q.pid);
      const types = (q.types?.length ? q.types : USER_TYPES).filter((t) => USER_TYPES.includes(t));
      const r = types.length ? u.index.search({ query, types, group: q.group, offset, limit, available }) : { mode: 'all' as const, total: 0, probes: [], suggestions: [], notes: [] };
      return { ...r, notes: [...u.list.notes, ...r.notes], tookMs: performance.now() - t0 };
    }
    const s = ensure();
    const r = s.index.search({ query, types: q.types, group: q.group, offset, limit, available });
    return { ...r, notes: [...catalogNotes(s), ...r.notes], tookMs: performance.now() - t0 };
  }

  /** The probes of a pattern's object(s) whose function or USDT name matches its rest. */
  function userPatternMatches(g: UserGlob): UserProbeList {
    if (g.pathHasGlob) {
      // Paging (the CLI, a scrolled list) asks the same pattern again: reread only when the
      // files it names, or their modification times, changed.
      const files = expandPathGlob(g.path);
      const sig = files.map((f) => `${f}\0${mtimeOf(f)}`).join('\n');
      const key = `${g.type}\0${g.path}\0${g.rest}`;
      const hit = globCache.get(key);
      if (hit && hit.sig === sig) return hit.list;
      const list = listMatching(files, g, native);
      globCache.set(key, { sig, list });
      while (globCache.size > 4) globCache.delete(globCache.keys().next().value!);
      return list;
    }
    const u = userProbes(g.path, undefined);
    const file = path.resolve(g.path);
    const probes = u.list.probes.filter((p) => {
      if (p.type !== g.type) return false;
      const rest = p.name.slice(p.type.length + file.length + 2);
      if (p.type !== 'usdt') return restMatches(g, { fn: rest });
      const colon = rest.indexOf(':');
      return restMatches(g, { provider: rest.slice(0, colon), name: rest.slice(colon + 1) });
    });
    return { probes, notes: u.list.notes };
  }

  function userPatternSearch(g: UserGlob, q: ListProbesQuery, offset: number, limit: number, available: (t: ProbeType) => boolean): Omit<ListProbesResult, 'tookMs'> {
    if (q.types?.length && !q.types.includes(g.type)) return { mode: 'glob', total: 0, probes: [], suggestions: [], notes: [`the pattern names ${g.type} probes; the filter shows only ${q.types.join(', ')}`] };
    let u = userPatternMatches(g);
    const notes: string[] = [];
    if (u.probes.length === 0 && g.rest !== '' && !g.rest.includes('*')) {
      // bpftrace -l lists only the exact name; while typing, show what starts with it.
      const prefix = userPatternMatches({ ...g, rest: `${g.rest}*` });
      if (prefix.probes.length) notes.push(`no probe is named exactly '${q.query.trim()}'; showing probes that start with it`);
      u = prefix.probes.length ? prefix : u;
    }
    // One index per listing, kept with it: the next page reuses it.
    let index = indexOf.get(u);
    if (!index) {
      index = new SearchIndex(u.probes);
      indexOf.set(u, index);
    }
    const r = index.search({ query: '', types: [g.type], offset, limit, available });
    return { ...r, mode: 'glob', notes: [...u.notes, ...notes, ...r.notes] };
  }

  function probeTree(o: { binary?: string; pid?: number } = {}): ProbeTreeResult {
    const s = ensure();
    const c = caps();
    const tree = s.index.tree();
    const notes = catalogNotes(s);
    let user: Map<ProbeType, { count: number; groups: Map<string, number> }> | null = null;
    if (o.binary !== undefined || o.pid !== undefined) {
      const u = userProbes(o.binary, o.pid);
      user = u.index.tree();
      notes.push(...u.list.notes);
    }
    return {
      types: PROBE_TYPES.map((type) => {
        const cap = capOf(c, type);
        const t = USER_TYPES.includes(type) ? user?.get(type) : tree.get(type);
        const groups = [...(t?.groups ?? new Map<string, number>())].map(([name, count]) => ({ name, count }));
        if (!SINGLE_GROUP.includes(type)) groups.sort((a, b) => (a.name === 'vmlinux' ? -1 : b.name === 'vmlinux' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return {
          type,
          count: t?.count ?? 0,
          available: cap?.available ?? true,
          reason: cap?.reason ?? 'no capability information',
          alternative: cap && !cap.available ? (cap.alternative ?? null) : null,
          groups,
        };
      }),
      notes,
    };
  }

  function describeProbe(rawName: string, binary?: string): ProbeDescription {
    const name = rawName.trim();
    const colon = name.indexOf(':');
    const head = colon === -1 ? name : name.slice(0, colon);
    const type = probeTypeOf(head);
    if (!type) throw new Error(`'${name}' is not a probe: '${head}' is not a probe type (tracepoint, kprobe, kretprobe, kfunc, kretfunc, uprobe, uretprobe, usdt, software, hardware, profile, interval, watchpoint, BEGIN, END)`);
    const full = colon === -1 ? type : `${type}${name.slice(colon)}`;
    const c = caps();
    const cap = capOf(c, type);
    if (USER_TYPES.includes(type)) {
      const parts = full.split(':');
      const bin = binary ?? parts[1];
      if (!bin) throw new Error(`${full}: name the binary (${type}:/path/to/binary:${type === 'usdt' ? 'provider:name' : 'function'})`);
      const u = userProbes(bin, undefined);
      const abs = path.resolve(bin);
      const rest = parts.slice(binary !== undefined && parts.length === 2 ? 1 : 2).join(':');
      const want = `${type}:${abs}:${rest}`;
      const p = u.byName.get(want);
      if (!p) throw new UprobeError(`${abs} has no ${type === 'usdt' ? 'USDT probe' : 'function symbol'} '${rest}'`);
      return describe({ name: p.name, type, group: p.group, cap, usdtArgs: p.usdtArgs });
    }
    const fixed = fixedProbeFor(full);
    if (fixed) {
      const concrete = /:N$|ADDR/.test(full) ? null : full;
      return describe({ name: concrete ?? fixed.name, type, group: fixed.group, cap, help: fixed.help, example: concrete ?? fixed.example });
    }
    if (SINGLE_GROUP.includes(type)) throw new Error(`unknown ${type} probe '${full}'`);
    const s = ensure();
    const fieldsOf = (tp: string): TracepointField[] | null => {
      const k = tp.replace(/^tracepoint:/, '');
      if (s.data.formats[k]) return s.data.formats[k];
      const [sub, ev] = k.split(':');
      return ev ? readFormat(getRoots().tracefs, sub, ev) : null;
    };
    const id = s.index.find(full);
    if (type === 'tracepoint') {
      if (id === -1) throw new Error(notFound(s, full, 'tracepoint'));
      return describe({ name: full, type, group: s.index.group(id), cap, fields: fieldsOf(full), fieldsOf });
    }
    // kprobe / kretprobe / kfunc / kretfunc
    const fn = full.split(':').pop()!;
    const known = id !== -1 || s.kernelFns.has(fn) || s.btfByName.has(fn);
    if (!known) throw new Error(notFound(s, full, 'kernel function'));
    const btf = s.btfByName.get(fn) ?? s.btfByName.get(baseFunctionName(fn)) ?? null;
    const group = id !== -1 ? s.index.group(id) : (btf?.module ?? 'vmlinux');
    return describe({ name: full, type, group, cap, btf, fieldsOf });
  }

  function notFound(s: State, name: string, what: string): string {
    const r = s.index.search({ query: name.split(':').pop() ?? name, offset: 0, limit: 5 });
    const near = r.probes.map((p) => p.name);
    const sugg = near.length ? near : r.suggestions.slice(0, 5);
    return `no ${what} '${name}' on this kernel${sugg.length ? ` (did you mean ${sugg.join(', ')}?)` : ''}`;
  }

  const structs = createBtfStructReader(() => getRoots().btfDir, native);
  function describeStruct(rawName: string): StructLayout {
    return structs.describe(rawName);
  }

  return {
    listProbes,
    probeTree,
    describeProbe,
    describeStruct,
    stats: () => ({ ...st }),
    notes: () => catalogNotes(ensure()),
  };
}
