import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capability } from '../../common/contract/index.js';
import type { NativeAddon } from '../native.js';
import { createCatalog, type CatalogRoots } from './catalog.js';
import { listedFunction } from './uprobes.js';

const FIX = path.resolve(__dirname, '../../test/fixtures/catalog');
const vmRoots: CatalogRoots = { tracefs: `${FIX}/vm/tracing`, proc: `${FIX}/vm/proc`, btfDir: `${FIX}/vm/no-btf` };
const distroRoots: CatalogRoots = { tracefs: `${FIX}/distro/tracing`, proc: `${FIX}/distro/proc`, btfDir: `${FIX}/distro/no-btf` };

const cap = (available: boolean, reason: string, alternative: string | null = null): Capability => ({ available, reason, evidence: [], remedy: null, alternative });
function caps(kprobes: boolean): Record<string, Capability> {
  const kp = kprobes
    ? cap(true, 'kprobes are available')
    : cap(false, 'the kernel was built without CONFIG_KPROBES (no kprobe_events in tracefs)', 'Use tracepoints instead (e.g. kretprobe:vfs_read → tracepoint:syscalls:sys_exit_read).');
  return {
    bpftrace: cap(true, 'bpftrace 0.17.0 at /usr/bin/bpftrace'),
    'probe:tracepoint': cap(true, 'kernel tracepoints are available'),
    'probe:kprobe': kp,
    'probe:kretprobe': kp,
    'probe:hardware': cap(false, 'no hardware counters: no CPU PMU is exposed (typical of a VM)', 'Use software events or profile:hz:99.'),
  };
}

/** A stand-in for the native addon (its BTF/ELF functions may not be built yet). */
function fakeNative(over: Partial<NativeAddon> = {}): () => NativeAddon {
  return () =>
    ({
      version: () => 'fake',
      btfFunctions: () => [],
      btfStruct: () => null,
      elfSymbols: () => [],
      usdtNotes: () => [],
      ...over,
    }) as unknown as NativeAddon;
}
const noNative = () => {
  throw new Error("kscope's native addon is not built");
};

const vm = (o: { cacheDir?: string | null; native?: () => NativeAddon; roots?: CatalogRoots } = {}) =>
  createCatalog({ capabilities: () => caps(false), cacheDir: o.cacheDir ?? null, roots: o.roots ?? vmRoots, native: o.native ?? noNative });
const q = (query: string, extra: Record<string, unknown> = {}) => ({ query, offset: 0, limit: 500, ...extra });

describe('listProbes: glob (bpftrace -l semantics)', () => {
  it('tracepoint:syscalls:sys_enter_open* gives exactly the open* ones', () => {
    const r = vm().listProbes(q('tracepoint:syscalls:sys_enter_open*'));
    expect(r.mode).toBe('glob');
    expect(r.probes.map((p) => p.name)).toEqual([
      'tracepoint:syscalls:sys_enter_open',
      'tracepoint:syscalls:sys_enter_open_by_handle_at',
      'tracepoint:syscalls:sys_enter_open_tree',
      'tracepoint:syscalls:sys_enter_openat',
      'tracepoint:syscalls:sys_enter_openat2',
    ]);
  });
  it('a pattern without a type matches the last component of every type', () => {
    const names = vm().listProbes(q('*vfs_read*')).probes.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['kprobe:vfs_read', 'kretprobe:vfs_read', 'kprobe:vfs_readv']));
    expect(vm().listProbes(q('sched_sw*')).probes.map((p) => p.name)).toEqual(['tracepoint:sched:sched_swap_numa', 'tracepoint:sched:sched_switch']);
  });
  it('tracepoint:EVENT matches the event in any subsystem; aliases work; case-sensitive', () => {
    expect(vm().listProbes(q('t:sched_sw*')).total).toBe(2);
    expect(vm().listProbes(q('tracepoint:SCHED:*')).total).toBe(0);
    expect(vm().listProbes(q('tracepoint:sched:sched_sw?tch')).probes.map((p) => p.name)).toEqual(['tracepoint:sched:sched_switch']);
    expect(vm().listProbes(q('tracepoint:sched:sched_[sw]w*')).total).toBe(2);
  });
  it('an exact name without wildcards lists it; a partial one lists what starts with it', () => {
    expect(vm().listProbes(q('tracepoint:sched:sched_switch')).probes.map((p) => p.name)).toEqual(['tracepoint:sched:sched_switch']);
    const r = vm().listProbes(q('tracepoint:syscalls'));
    expect(r.total).toBeGreaterThan(5);
    expect(r.notes.join('\n')).toMatch(/no probe is named exactly/);
  });
});

describe('listProbes: fuzzy', () => {
  it('ranks exact part > prefix of the last component > substring > subsequence, shorter first', () => {
    const r = vm().listProbes(q('vfs_read'));
    expect(r.mode).toBe('fuzzy');
    expect(r.probes.slice(0, 3).map((p) => p.name)).toEqual(['kprobe:vfs_read', 'kretprobe:vfs_read', 'kprobe:vfs_readv']);
    const s = vm().listProbes(q('sendmsg')).probes.map((p) => p.name);
    expect(s.indexOf('kprobe:tcp_sendmsg')).toBeLessThan(s.indexOf('kprobe:tcp_sendmsg_locked'));
    const f = vm().listProbes(q('tcpsndmsg')).probes.map((p) => p.name);
    expect(f[0]).toBe('kprobe:tcp_sendmsg');
  });
  it('gives highlight positions in the full name', () => {
    const p = vm().listProbes(q('openat')).probes.find((x) => x.name === 'tracepoint:syscalls:sys_enter_openat')!;
    expect(p.matches).toEqual([30, 31, 32, 33, 34, 35]);
    const f = vm().listProbes(q('tcpsndmsg')).probes[0];
    expect(f.matches!.map((i) => f.name[i]).join('')).toBe('tcpsndmsg');
  });
  it('suggests near matches when nothing matches', () => {
    const r = vm().listProbes(q('vfs_raed'));
    expect(r.total).toBe(0);
    expect(r.suggestions).toContain('kprobe:vfs_read');
    const g = vm().listProbes(q('tracepoint:sched:sched_swich'));
    expect(g.total).toBe(0);
    expect(g.suggestions).toContain('tracepoint:sched:sched_switch');
  });
  it('a 10k-character pattern returns quickly with a note', () => {
    for (const pat of ['a'.repeat(10_000), '*a'.repeat(5_000), 'tracepoint:' + '*?'.repeat(4000)]) {
      const t = performance.now();
      const r = vm().listProbes(q(pat));
      expect(performance.now() - t).toBeLessThan(500);
      expect(r.total).toBe(0);
      expect(r.notes.join('\n')).toMatch(/at most 512 characters/);
    }
  });
  it('pages and filters by type and group', () => {
    const c = vm();
    const all = c.listProbes(q('', { limit: 5000 }));
    expect(all.mode).toBe('all');
    const p1 = c.listProbes(q('', { limit: 3, offset: 0 }));
    const p2 = c.listProbes(q('', { limit: 3, offset: 3 }));
    expect(p1.total).toBe(all.total);
    expect([...p1.probes, ...p2.probes].map((p) => p.name)).toEqual(all.probes.slice(0, 6).map((p) => p.name));
    const sched = c.listProbes(q('', { types: ['tracepoint'], group: 'sched' }));
    expect(sched.probes.map((p) => p.name)).toEqual(['tracepoint:sched:sched_process_exec', 'tracepoint:sched:sched_swap_numa', 'tracepoint:sched:sched_switch', 'tracepoint:sched:sched_wakeup']);
    expect(c.listProbes(q('vfs', { types: ['kretprobe'] })).probes.every((p) => p.type === 'kretprobe')).toBe(true);
  });
  it('marks probes of unavailable types and says where kprobe names came from', () => {
    const r = vm().listProbes(q('kprobe:vfs_read'));
    expect(r.probes[0]).toMatchObject({ name: 'kprobe:vfs_read', available: false });
    expect(r.notes.join('\n')).toMatch(/kprobe names from .*kallsyms: .*available_filter_functions does not exist/);
    const d = createCatalog({ capabilities: () => caps(true), cacheDir: null, roots: distroRoots, native: noNative });
    const dr = d.listProbes(q('kprobe:*'));
    expect(dr.notes.join('\n')).toMatch(/kprobe names from .*available_filter_functions/);
    expect(dr.probes.find((p) => p.name === 'kprobe:e1000_xmit_frame')).toMatchObject({ group: 'e1000', available: true });
  });
});

describe('probeTree', () => {
  it('counts per type and group, with availability', () => {
    const t = vm().probeTree();
    const tp = t.types.find((x) => x.type === 'tracepoint')!;
    expect(tp.count).toBe(17);
    expect(tp.groups).toEqual([
      { name: 'block', count: 2 },
      { name: 'kmem', count: 1 },
      { name: 'sched', count: 4 },
      { name: 'syscalls', count: 9 },
      { name: 'weird', count: 1 },
    ]);
    const kp = t.types.find((x) => x.type === 'kprobe')!;
    expect(kp.available).toBe(false);
    expect(kp.reason).toMatch(/CONFIG_KPROBES/);
    expect(kp.alternative).toMatch(/tracepoint/);
    expect(kp.groups.map((g) => g.name)).toEqual(['vmlinux', 'e1000', 'ext4']);
    expect(t.types.find((x) => x.type === 'software')!.count).toBe(11);
    expect(t.types.find((x) => x.type === 'hardware')).toMatchObject({ count: 10, available: false });
    expect(t.types.map((x) => x.type)).toContain('BEGIN');
  });
});

describe('describeProbe', () => {
  it('tracepoint fields as bpftrace -lv shows them', () => {
    const d = vm().describeProbe('tracepoint:syscalls:sys_enter_openat');
    expect(d.args.map((a) => `${a.type} ${a.name}`)).toEqual(['int __syscall_nr', 'int dfd', 'const char * filename', 'int flags', 'umode_t mode']);
    expect(d.args.find((a) => a.name === 'filename')).toEqual({ name: 'filename', type: 'const char *', offset: 24, size: 8 });
    expect(d.oneLiner).toBe("bpftrace -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'");
    expect(d.templates.find((t) => t.title === 'Print the fields')!.source).toContain('str(args->filename)');
    const b = vm().describeProbe('tracepoint:block:block_rq_issue');
    expect(b.args.map((a) => a.type)).toContain('__data_loc char[]');
    expect(b.args.find((a) => a.name === 'comm')!.type).toBe('char[16]');
  });
  it('odd field types are kept as raw text', () => {
    const d = vm().describeProbe('tracepoint:weird:weird_types');
    expect(d.args.map((a) => a.name)).toEqual(['mask', 'fz', 'blob', 'attr']); // the malformed line is skipped
    expect(d.args.find((a) => a.name === 'fz')!.type).toBe('struct frobnicator __attribute__((packed))');
  });
  it('a kprobe on this machine is unavailable, with reason, alternative and templates over it', () => {
    const d = vm().describeProbe('kretprobe:vfs_read');
    expect(d.available).toBe(false);
    expect(d.reason).toMatch(/CONFIG_KPROBES/);
    expect(d.alternative).toBe('tracepoint:syscalls:sys_exit_read');
    expect(d.oneLiner).toContain('tracepoint:syscalls:sys_exit_read');
    expect(d.templates.map((t) => t.source).join('\n')).toContain('hist(args->ret)');
    expect(d.templates.map((t) => t.source).join('\n')).not.toContain('kretprobe:');
  });
  it('prototype and params from BTF when the native addon has them', () => {
    const native = fakeNative({
      btfFunctions: () => [{ name: 'vfs_read', module: 'vmlinux', returnType: 'ssize_t', params: [{ name: 'file', type: 'struct file *' }, { name: 'buf', type: 'char *' }, { name: 'count', type: 'size_t' }, { name: 'pos', type: 'loff_t *' }] }],
    });
    const c = vm({ native, roots: { ...vmRoots, btfDir: `${FIX}/vm/btf` } });
    const k = c.describeProbe('kprobe:vfs_read');
    expect(k.prototype).toBe('ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)');
    expect(k.args.map((a) => a.name)).toEqual(['arg0', 'arg1', 'arg2', 'arg3']);
    expect(k.help).toMatch(/arg0 = file/);
    const f = c.describeProbe('kretfunc:vfs_read');
    expect(f.args.map((a) => a.name)).toEqual(['file', 'buf', 'count', 'pos', 'retval']);
    expect(c.listProbes(q('kfunc:*')).probes.map((p) => p.name)).toEqual(['kfunc:vfs_read']);
  });
  it('without kernel BTF: no kfunc names, a note, and struct layouts say what is missing', () => {
    const c = vm({ native: fakeNative() }); // vmRoots.btfDir does not exist
    expect(c.listProbes(q('kfunc:*')).total).toBe(0);
    expect(c.listProbes(q('kfunc:*')).notes.join('\n')).toMatch(/BTF/);
    expect(() => c.describeStruct('task_struct')).toThrow(/no kernel BTF .*CONFIG_DEBUG_INFO_BTF/);
  });
  it('without the native addon: no kfunc names, a note, no crash', () => {
    const r = vm({ roots: { ...vmRoots, btfDir: `${FIX}/vm/btf` } }).listProbes(q('kfunc:*'));
    expect(r.total).toBe(0);
    expect(r.notes.join('\n')).toMatch(/no kfunc names or BTF prototypes: kscope's native addon is not built/);
  });
  it('fixed probes have help; unknown names are clear errors', () => {
    const c = vm();
    expect(c.describeProbe('profile:hz:99')).toMatchObject({ type: 'profile', help: expect.stringMatching(/times per second/), oneLiner: "bpftrace -e 'profile:hz:99 { @[kstack] = count(); }'" });
    expect(c.describeProbe('software:faults:').help).toMatch(/page faults/);
    expect(c.describeProbe('hardware:cycles:')).toMatchObject({ available: false, alternative: 'Use software events or profile:hz:99.' });
    expect(c.describeProbe('BEGIN').help).toMatch(/starts/);
    expect(() => c.describeProbe('tracepoint:sched:nope')).toThrow(/no tracepoint 'tracepoint:sched:nope'/);
    expect(() => c.describeProbe('bogus:thing')).toThrow(/not a probe type/);
    expect(() => c.describeStruct('task_struct')).toThrow(/no kernel BTF/);
  });
});

describe('uprobes: bad inputs give clear messages', () => {
  it('missing path, non-ELF, no symbols, vanished PID', () => {
    const c = vm({ native: fakeNative() });
    expect(() => c.listProbes(q('', { binary: '/no/such/binary' }))).toThrow(/\/no\/such\/binary: no such file/);
    expect(() => c.listProbes(q('', { binary: `${FIX}/not-elf.txt` }))).toThrow(/is not an ELF file/);
    const r = c.listProbes(q('', { binary: process.execPath }));
    expect(r.total).toBe(0);
    expect(r.notes.join('\n')).toMatch(/has no function symbols/);
    expect(() => c.listProbes(q('', { pid: 999_999_999 }))).toThrow(/process 999999999 does not exist/);
  });
  it('lists uprobe, uretprobe and usdt names from the native addon', () => {
    const c = vm({
      native: fakeNative({
        elfSymbols: () => [
          { name: 'main', address: 1, size: 1, kind: 'func', binding: 'global' },
          { name: 'readline', address: 2, size: 1, kind: 'func', binding: 'global' },
          { name: 'data', address: 3, size: 1, kind: 'object', binding: 'global' },
        ],
        usdtNotes: () => [{ provider: 'node', name: 'gc__start', address: 1, semaphore: 0, args: '-4@%edi 8@%rsi' }],
      }),
    });
    const names = c.listProbes(q('', { binary: process.execPath })).probes.map((p) => p.name);
    expect(names).toEqual([`uprobe:${process.execPath}:main`, `uprobe:${process.execPath}:readline`, `uretprobe:${process.execPath}:main`, `uretprobe:${process.execPath}:readline`, `usdt:${process.execPath}:node:gc__start`]);
    const d = c.describeProbe(`usdt:${process.execPath}:node:gc__start`);
    expect(d.args).toEqual([{ name: 'arg0', type: 'int32_t', size: 4 }, { name: 'arg1', type: 'uint64_t', size: 8 }]);
  });
});

describe('cache', () => {
  it('round trip: the second catalog loads from the cache; a changed key rebuilds; write failures are not fatal', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-catalog-'));
    try {
      const a = vm({ cacheDir: dir });
      const n = a.listProbes(q('')).total;
      expect(a.stats().source).toBe('cold');
      const b = vm({ cacheDir: dir });
      expect(b.listProbes(q('')).total).toBe(n);
      expect(b.stats().source).toBe('cache');
      const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-proc-'));
      fs.cpSync(vmRoots.proc, proc, { recursive: true });
      fs.writeFileSync(`${proc}/sys/kernel/osrelease`, '6.19.0-other\n');
      const c = vm({ cacheDir: dir, roots: { ...vmRoots, proc } });
      c.probeTree();
      expect(c.stats().source).toBe('cold');
      fs.rmSync(proc, { recursive: true, force: true });
      const file = path.join(dir, 'not-a-dir');
      fs.writeFileSync(file, '');
      const d = vm({ cacheDir: file });
      expect(d.listProbes(q('')).total).toBe(n);
      expect(d.stats().cacheError).toMatch(/could not be written/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('uprobe/usdt search on a kernel without uprobes', () => {
  const symbols = () => [
    { name: 'readline', address: 1, size: 1, kind: 'func' as const, binding: 'global' as const },
    { name: 'read_command', address: 2, size: 1, kind: 'func' as const, binding: 'global' as const },
  ];
  const noUprobes = { ...caps(false), 'probe:uprobe': cap(false, 'the kernel was built without uprobes', 'sample user stacks instead: profile:hz:99 { @[ustack] = count(); }'), 'probe:usdt': cap(false, 'the kernel was built without uprobes') };
  it('a binary pattern lists its probes as unavailable (none ranked as runnable), and the tree says why and what instead', () => {
    const c = createCatalog({ capabilities: () => noUprobes, cacheDir: null, roots: vmRoots, native: fakeNative({ elfSymbols: symbols }) });
    const r = c.listProbes(q(`uprobe:${process.execPath}:read*`));
    expect(r.probes.map((p) => p.name).sort()).toEqual([`uprobe:${process.execPath}:read_command`, `uprobe:${process.execPath}:readline`]);
    expect(r.probes.every((p) => !p.available)).toBe(true);
    expect(r.available).toBe(0);
    const t = c.probeTree({ binary: process.execPath }).types.find((x) => x.type === 'uprobe')!;
    expect(t).toMatchObject({ available: false, reason: 'the kernel was built without uprobes', count: 2 });
    expect(t.alternative).toMatch(/profile:hz:99/);
  });
  it('with uprobes, every listed probe is available and counted so', () => {
    const c = createCatalog({ capabilities: () => ({ ...caps(false), 'probe:uprobe': cap(true, 'uprobes are available') }), cacheDir: null, roots: vmRoots, native: fakeNative({ elfSymbols: symbols }) });
    const r = c.listProbes(q(`uprobe:${process.execPath}:read*`));
    expect(r.total).toBe(2);
    expect(r.available).toBe(2);
    expect(r.probes.every((p) => p.available)).toBe(true);
  });
});

describe('listedFunction: the functions bpftrace -l lists', () => {
  const f = (name: string, kind: 'func' | 'object' = 'func') => ({ name, address: 1, size: 1, kind, binding: 'local' as const });
  it('leaves out partial-inlining pieces and their clones, keeps .cold and .constprop clones', () => {
    expect(listedFunction(f('malloc'))).toBe(true);
    expect(listedFunction(f('getchar.cold'))).toBe(true);
    expect(listedFunction(f('getanswer_r.constprop.0'))).toBe(true);
    expect(listedFunction(f('detach_arena.part.0'))).toBe(false);
    expect(listedFunction(f('str_to_mpn.part.0.constprop.0'))).toBe(false);
    expect(listedFunction(f('main_arena', 'object'))).toBe(false);
    expect(listedFunction(f(''))).toBe(false);
  });
});
