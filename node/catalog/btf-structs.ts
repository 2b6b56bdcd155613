// Kernel struct layouts from BTF, for describeStruct (the editor's member completion and
// hover, `curtask->`, casts): through the native addon's libbpf reader rather than
// `bpftool btf dump` (not installed on every machine, a process and a full dump per
// question) or a parser of our own (libbpf knows every BTF kind and the split module
// format). libbpf parses /sys/kernel/btf/vmlinux once (~10 ms, kept by the addon); each
// struct is then answered once and kept here, keyed by the BTF file's identity so a new
// kernel's BTF is read again.
import fs from 'node:fs';
import path from 'node:path';
import type { StructLayout, StructMember } from '../../common/contract/index.js';
import type { BtfStruct, BtfStructMember, NativeAddon } from '../native.js';

export interface BtfStructReader {
  /** The struct, union or typedef of one named `name` (`task_struct`, `struct sock`, `atomic_t`); throws a clear error when there is none. */
  describe(rawName: string): StructLayout;
}

const MAX_CACHED = 512;

function toContract(m: BtfStructMember): StructMember {
  return {
    name: m.name,
    type: m.type,
    offset: m.offset,
    size: m.size,
    ...(m.bitfieldSize ? { bitfieldSize: m.bitfieldSize } : {}),
    ...(m.members?.length ? { members: m.members.map(toContract) } : {}),
  };
}

export function createBtfStructReader(btfDir: () => string, native: () => NativeAddon): BtfStructReader {
  // Unknown names are kept too: the editor asks again at every keystroke after `->`.
  const cache = new Map<string, BtfStruct | null>();

  function lookup(vmlinux: string, name: string): BtfStruct | null {
    let st: fs.Stats;
    try {
      st = fs.statSync(vmlinux);
    } catch {
      throw new Error(`no kernel BTF (${vmlinux} is missing): struct layouts need a kernel built with CONFIG_DEBUG_INFO_BTF=y`);
    }
    const key = `${vmlinux}\0${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}\0${name}`;
    if (cache.has(key)) {
      const hit = cache.get(key)!;
      // Most recently used last, so the oldest goes first when the cache is full.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    let addon: NativeAddon;
    try {
      addon = native();
    } catch (e) {
      throw new Error(`cannot read struct ${name}: ${(e as Error).message}`, { cause: e });
    }
    if (typeof addon.btfStruct !== 'function') throw new Error(`cannot read struct ${name}: this build of the native addon has no btfStruct() (rebuild it with npm run build:native)`);
    let s: BtfStruct | null;
    try {
      s = addon.btfStruct(vmlinux, name);
    } catch (e) {
      throw new Error(`reading struct ${name} from ${vmlinux} failed: ${(e as Error).message}`, { cause: e });
    }
    cache.set(key, s);
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
    return s;
  }

  return {
    describe(rawName) {
      const name = rawName.trim().replace(/^(struct|union)\s+/, '');
      if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`'${rawName}' is not a struct name`);
      const vmlinux = path.join(btfDir(), 'vmlinux');
      const s = lookup(vmlinux, name);
      if (!s) throw new Error(`no struct or union '${name}' (nor a typedef of one) in the kernel's BTF (${vmlinux})`);
      return { name: s.name, size: s.size, members: s.members.map(toContract) };
    },
  };
}
