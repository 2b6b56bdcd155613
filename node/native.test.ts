import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNative, unpackBtfFunctions, type NativeAddon } from './native.js';

// These tests read this machine: kernel BTF, system binaries, our own capabilities. Each
// one that needs something the machine may lack skips, and says why.
const VMLINUX = '/sys/kernel/btf/vmlinux';
const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';
const LIBSTDCXX = '/lib/x86_64-linux-gnu/libstdc++.so.6';
const hasBtf = fs.existsSync(VMLINUX);
const hasLibc = fs.existsSync(LIBC);
const hasLibstdcxx = fs.existsSync(LIBSTDCXX);
const isRoot = process.getuid?.() === 0;
const hasGcc = (() => {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
function skipping(cond: boolean, why: string): boolean {
  if (cond) console.log(`skipped: ${why}`);
  return cond;
}

describe('the native addon', () => {
  it('is built and answers', () => {
    const n = loadNative();
    expect(n.version()).toMatch(/kscope-native/);
    expect(n.parentPid()).toBe(process.ppid);
    expect(typeof n.getParentDeathSignal()).toBe('number');
  });

  it('says clearly when it is not built', () => {
    expect(() => loadNative(['/nonexistent/kscope_native.node'])).toThrow(/not built .*npm run build:native/);
  });

  it('rejects wrong argument types with a TypeError', () => {
    const n = loadNative();
    expect(() => n.elfSymbols(42 as unknown as string)).toThrow(TypeError);
    expect(() => n.btfStruct(VMLINUX, undefined as unknown as string)).toThrow(/name must be a string/);
  });
});

describe('passing a descriptor over a unix socket (the helper hands bpftrace stdout pipe over)', () => {
  it('socketPair, sendFd with a tag, recvFd: the received fd is the same pipe; nothing waiting is an error at once', () => {
    const n = loadNative();
    const [a, b] = n.socketPair();
    const p = n.pipe(65536);
    try {
      expect(n.isUnixSocket(a)).toBe(true);
      expect(n.isUnixSocket(p.read)).toBe(false);
      expect(() => n.recvFd(b)).toThrow(/recvmsg: Resource temporarily unavailable/);
      n.sendFd(a, p.read, 0xfeedf00d);
      const got = n.recvFd(b);
      expect(got.tag).toBe(0xfeedf00d);
      expect(got.fd).not.toBe(p.read);
      fs.writeSync(p.write, 'through the passed pipe\n');
      const buf = Buffer.alloc(64);
      const len = fs.readSync(got.fd, buf, 0, 64, null);
      expect(buf.subarray(0, len).toString()).toBe('through the passed pipe\n');
      fs.closeSync(got.fd);
      // Plain bytes with no descriptor are refused (a confused or hostile sender).
      fs.writeSync(a, 'abcd');
      expect(() => n.recvFd(b)).toThrow(/no descriptor/);
      expect(() => n.sendFd(p.write, p.read, 1)).toThrow(/sendmsg/); // not a socket
      expect(() => n.sendFd(-1 as number, p.read, 1)).toThrow(TypeError);
    } finally {
      for (const fd of [a, b, p.read, p.write]) fs.closeSync(fd);
    }
  });
});

describe('unpackBtfFunctions', () => {
  it('builds functions from the string table and indices', () => {
    const strings = ['f', 'int', 'a', 'const char *', 'g', 'void'].join('\0');
    const functions = Uint32Array.from([0, 1, 1, 2, 3, 4, 5, 0x10000]);
    expect(unpackBtfFunctions({ module: 'm', strings, functions })).toEqual([
      { name: 'f', returnType: 'int', params: [{ name: 'a', type: 'const char *' }], module: 'm' },
      { name: 'g', returnType: 'void', params: [], module: 'm', variadic: true },
    ]);
  });
});

describe.skipIf(skipping(!hasBtf, `no kernel BTF at ${VMLINUX}`))('BTF', () => {
  let n: NativeAddon;
  beforeAll(() => {
    n = loadNative();
  });

  it('lists every kernel function with its prototype, fast', () => {
    const t0 = performance.now();
    const fns = n.btfFunctions(VMLINUX);
    const ms = performance.now() - t0;
    console.log(`btfFunctions(${VMLINUX}): ${fns.length} functions in ${ms.toFixed(0)} ms`);
    expect(fns.length).toBeGreaterThan(10000);
    expect(ms).toBeLessThan(3000);
    expect(fns.find((f) => f.name === 'vfs_read')).toEqual({
      name: 'vfs_read',
      returnType: 'ssize_t',
      params: [
        { name: 'file', type: 'struct file *' },
        { name: 'buf', type: 'char *' },
        { name: 'count', type: 'size_t' },
        { name: 'pos', type: 'loff_t *' },
      ],
      module: 'vmlinux',
    });
    const open = fns.find((f) => f.name === 'do_sys_openat2' || f.name === 'do_sys_open');
    expect(open?.params[1]).toEqual({ name: 'filename', type: 'const char *' });
    expect(fns.every((f) => f.module === 'vmlinux')).toBe(true);
  });

  it('renders function pointers and variadic functions as C', () => {
    const fns = n.btfFunctions(VMLINUX);
    const printk = fns.find((f) => f.name === '_printk');
    if (printk) expect(printk.variadic).toBe(true);
    // Some parameter somewhere is a plain function pointer: "ret (*)(args)".
    expect(fns.some((f) => f.params.some((p) => /^[\w ]+\*? ?\(\*\)\(.*\)$/.test(p.type)))).toBe(true);
    expect(fns.some((f) => f.params.some((p) => p.type.includes('?')))).toBe(false);
  });

  it('lays out task_struct, path and dentry', () => {
    const task = n.btfStruct(VMLINUX, 'task_struct');
    expect(task).not.toBeNull();
    expect(task!.kind).toBe('struct');
    const member = (name: string) => task!.members.find((m) => m.name === name);
    expect(member('pid')).toMatchObject({ type: 'pid_t', size: 4 });
    expect(member('comm')).toMatchObject({ type: 'char[16]', size: 16 });
    expect(member('real_parent')).toMatchObject({ type: 'struct task_struct *', size: 8 });
    for (const m of task!.members) expect(m.offset + m.size).toBeLessThanOrEqual(task!.size);
    const bitfield = task!.members.find((m) => m.bitfieldSize);
    if (bitfield) expect(Math.floor(bitfield.bitOffset! / 8)).toBe(bitfield.offset);

    const p = n.btfStruct(VMLINUX, 'path');
    expect(p).toEqual({
      name: 'path',
      kind: 'struct',
      size: 16,
      members: expect.arrayContaining([
        { name: 'mnt', type: 'struct vfsmount *', offset: expect.any(Number), size: 8 },
        { name: 'dentry', type: 'struct dentry *', offset: expect.any(Number), size: 8 },
      ]),
    });
    const dname = n.btfStruct(VMLINUX, 'dentry')!.members.find((m) => m.name === 'd_name');
    expect(dname?.type).toMatch(/struct qstr$/);
  });

  it('answers null for a struct that does not exist, and throws for a bad file', () => {
    expect(n.btfStruct(VMLINUX, 'kscope_no_such_struct')).toBeNull();
    expect(() => n.btfFunctions('/nonexistent/btf')).toThrow('BTF not found at /nonexistent/btf');
    expect(() => n.btfFunctions('/etc/passwd')).toThrow('not a BTF file: /etc/passwd');
    expect(() => n.btfFunctions(VMLINUX, '/nonexistent/base')).toThrow('base BTF not found at /nonexistent/base');
  });
});

describe('ELF symbols', () => {
  let n: NativeAddon;
  let tmp: string;
  beforeAll(() => {
    n = loadNative();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-native-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads .dynsym of bash', () => {
    const syms = n.elfSymbols('/bin/bash');
    expect(syms.find((s) => s.name === 'readline')).toMatchObject({ kind: 'func', binding: 'global' });
    expect(syms.find((s) => s.name === 'readline')!.address).toBeGreaterThan(0);
    // No imports: bash calls malloc but libc defines it.
    expect(syms.every((s) => s.address > 0 || s.kind === 'object')).toBe(true);
  });

  it.skipIf(skipping(!hasLibc, `no ${LIBC}`))('reads a shared library, sorted and without duplicates', () => {
    const t0 = performance.now();
    const syms = n.elfSymbols(LIBC);
    console.log(`elfSymbols(${LIBC}): ${syms.length} symbols in ${(performance.now() - t0).toFixed(1)} ms`);
    expect(syms.find((s) => s.name === 'malloc')).toMatchObject({ kind: 'func', binding: 'global' });
    expect(syms.some((s) => s.kind === 'object')).toBe(true);
    for (let i = 1; i < syms.length; i++) expect(syms[i].address).toBeGreaterThanOrEqual(syms[i - 1].address);
    expect(new Set(syms.map((s) => JSON.stringify(s))).size).toBe(syms.length);
  });

  it('throws clear errors for non-ELF and missing files', () => {
    expect(() => n.elfSymbols('/etc/passwd')).toThrow('not an ELF file: /etc/passwd');
    expect(() => n.elfSymbols('/nonexistent/x')).toThrow('no such file: /nonexistent/x');
    expect(() => n.usdtNotes('/etc/passwd')).toThrow('not an ELF file: /etc/passwd');
  });

  it.skipIf(skipping(!hasGcc, 'no gcc to build a stripped binary'))('gives [] for a stripped binary', () => {
    const src = path.join(tmp, 'stripped.c');
    fs.writeFileSync(src, 'int main(void) { return 0; }\n');
    execFileSync('gcc', ['-s', '-o', path.join(tmp, 'stripped'), src]);
    expect(n.elfSymbols(path.join(tmp, 'stripped'))).toEqual([]);
    expect(n.usdtNotes(path.join(tmp, 'stripped'))).toEqual([]);
  });
});

// A probe written the way <sys/sdt.h> writes it (which this machine may not have), on a
// function of its own so its address is known, with a semaphore.
const SDT_PROGRAM = String.raw`
unsigned short kscope_hello_semaphore __attribute__((section(".probes"), used));
__asm__(
  ".text\n.globl kscope_site\n.type kscope_site, @function\nkscope_site:\n"
  "990: nop\nret\n.size kscope_site, .-kscope_site\n"
  ".pushsection .note.stapsdt,\"?\",\"note\"\n.balign 4\n"
  ".4byte 992f-991f, 994f-993f, 3\n991: .asciz \"stapsdt\"\n992: .balign 4\n"
  "993: .8byte 990b\n.8byte _.stapsdt.base\n.8byte kscope_hello_semaphore\n"
  ".asciz \"kscope\"\n.asciz \"hello\"\n.asciz \"-4@%edi 8@%rsi\"\n994: .balign 4\n.popsection\n"
  ".ifndef _.stapsdt.base\n"
  ".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n"
  ".weak _.stapsdt.base\n.hidden _.stapsdt.base\n_.stapsdt.base: .space 1\n.size _.stapsdt.base, 1\n"
  ".popsection\n.endif\n");
int main(void) { return 0; }
`;

describe('USDT notes', () => {
  let n: NativeAddon;
  let tmp: string;
  beforeAll(() => {
    n = loadNative();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-usdt-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it.skipIf(skipping(!hasLibstdcxx, `no ${LIBSTDCXX}`))('reads libstdc++’s exception probes', () => {
    const notes = n.usdtNotes(LIBSTDCXX);
    const names = notes.map((x) => `${x.provider}:${x.name}`);
    if (notes.length === 0) {
      console.log(`skipped: ${LIBSTDCXX} has no .note.stapsdt on this machine`);
      return;
    }
    expect(names).toEqual(expect.arrayContaining(['libstdcxx:throw', 'libstdcxx:catch']));
    const fns = n.elfSymbols(LIBSTDCXX).filter((s) => s.kind === 'func');
    for (const note of notes) {
      expect(note.args).toMatch(/@/);
      // Each probe's pc is inside some function of the library.
      expect(fns.some((f) => note.address >= f.address && note.address < f.address + f.size)).toBe(true);
    }
  });

  it('gives [] for a binary without notes', () => {
    expect(n.usdtNotes('/bin/bash')).toEqual([]);
  });

  it.skipIf(skipping(!hasGcc || process.arch !== 'x64', 'needs gcc on x86-64'))('decodes a probe, its semaphore and the .stapsdt.base adjustment', () => {
    const src = path.join(tmp, 'sdt.c');
    const bin = path.join(tmp, 'sdt');
    fs.writeFileSync(src, SDT_PROGRAM);
    execFileSync('gcc', ['-O0', '-o', bin, src]);
    const syms = n.elfSymbols(bin);
    const site = syms.find((s) => s.name === 'kscope_site')!;
    const sema = syms.find((s) => s.name === 'kscope_hello_semaphore')!;
    const [note] = n.usdtNotes(bin);
    expect(note).toEqual({ provider: 'kscope', name: 'hello', address: site.address, semaphore: sema.address, base: expect.any(Number), args: '-4@%edi 8@%rsi' });

    // As if the file had been prelinked after the note was written: the note says
    // .stapsdt.base was 0x100 lower than it is, so the pc moves up by 0x100.
    const bytes = fs.readFileSync(bin);
    const triple = Buffer.alloc(24);
    triple.writeBigUInt64LE(BigInt(note.address), 0);
    triple.writeBigUInt64LE(BigInt(note.base!), 8);
    triple.writeBigUInt64LE(BigInt(note.semaphore), 16);
    const at = bytes.indexOf(triple);
    expect(at).toBeGreaterThan(0);
    bytes.writeBigUInt64LE(BigInt(note.base! - 0x100), at + 8);
    fs.writeFileSync(`${bin}.moved`, bytes);
    expect(n.usdtNotes(`${bin}.moved`)[0]).toMatchObject({ address: note.address + 0x100, base: note.base! - 0x100, semaphore: sema.address });
  });
});

describe('process and machine facts', () => {
  it('names the effective capabilities', () => {
    const caps = loadNative().effectiveCapabilities();
    for (const c of caps) expect(c).toMatch(/^CAP_[A-Z0-9_]+$/);
    if (skipping(!isRoot, 'not root: no capability expectations')) return;
    expect(caps).toEqual(expect.arrayContaining(['CAP_BPF', 'CAP_PERFMON', 'CAP_SYS_ADMIN', 'CAP_CHOWN']));
  });

  it('probes hardware counters (absent on a VM without a PMU), and software ones work', () => {
    const n = loadNative();
    const hw = n.probeHardwareCounters();
    expect(typeof hw.ok).toBe('boolean');
    expect(hw.ok ? hw.errno : hw.message.length).toBeGreaterThanOrEqual(0);
    if (hw.ok) expect(hw.errno).toBe(0);
    if (fs.existsSync('/sys/bus/event_source/devices/cpu')) {
      console.log(`skipped the "no hardware counters" assertion: this machine has a CPU PMU (/sys/bus/event_source/devices/cpu); probe said ${JSON.stringify(hw)}`);
    } else {
      expect(hw.ok).toBe(false);
      expect([2, 95]).toContain(hw.errno); // ENOENT, EOPNOTSUPP
    }
    const sw = n.probeSoftwareCounter();
    const paranoid = Number(fs.readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8'));
    if (isRoot || paranoid <= 2) expect(sw).toEqual({ ok: true, errno: 0, message: 'ok' });
  });
});
