// kfunc/kretfunc names and prototypes from kernel BTF (vmlinux and /sys/kernel/btf/<module>)
// through the native addon. bpftrace 0.17 spells them `kfunc:NAME` for vmlinux and
// `kfunc:MODULE:NAME` for modules (`kfunc[:module]:function`).
import fs from 'node:fs';
import path from 'node:path';
import type { BtfFunction, NativeAddon } from '../native.js';

export interface KfuncSource {
  functions: BtfFunction[];
  notes: string[];
}

/** The C prototype of a BTF function: `ssize_t vfs_read(struct file * file, char * buf, ...)`. */
export function prototypeOf(f: BtfFunction): string {
  const ret = f.returnType || 'void';
  const params = f.params.length ? f.params.map((p) => joinTypeName(p.type, p.name)).join(', ') : 'void';
  return `${ret}${ret.endsWith('*') ? '' : ' '}${f.name}(${params})`;
}

function joinTypeName(type: string, name: string): string {
  if (!name) return type;
  return `${type}${type.endsWith('*') ? '' : ' '}${name}`;
}

export function kfuncName(kind: 'kfunc' | 'kretfunc', f: { name: string; module: string }): string {
  return f.module === 'vmlinux' ? `${kind}:${f.name}` : `${kind}:${f.module}:${f.name}`;
}

/** Every BTF function of vmlinux and of each module's BTF file under `btfDir`. */
export function readKfuncs(btfDir: string, native: () => NativeAddon): KfuncSource {
  const vmlinux = path.join(btfDir, 'vmlinux');
  if (!fs.existsSync(vmlinux)) return { functions: [], notes: [`no kernel BTF (${vmlinux} missing): no kfunc names or prototypes`] };
  let addon: NativeAddon;
  try {
    addon = native();
  } catch (e) {
    return { functions: [], notes: [`no kfunc names or BTF prototypes: ${(e as Error).message}`] };
  }
  if (typeof addon.btfFunctions !== 'function') {
    return { functions: [], notes: ['no kfunc names or BTF prototypes: this build of the native addon has no btfFunctions() (rebuild it with npm run build:native)'] };
  }
  const notes: string[] = [];
  let functions: BtfFunction[];
  try {
    functions = addon.btfFunctions(vmlinux).map((f) => ({ ...f, module: 'vmlinux' }));
  } catch (e) {
    return { functions: [], notes: [`no kfunc names: reading BTF from ${vmlinux} failed: ${(e as Error).message}`] };
  }
  let modules: string[] = [];
  try {
    modules = fs.readdirSync(btfDir).filter((m) => m !== 'vmlinux');
  } catch {
    /* no module BTF */
  }
  let failed = 0;
  for (const m of modules.sort()) {
    try {
      for (const f of addon.btfFunctions(path.join(btfDir, m), vmlinux)) functions.push({ ...f, module: m });
    } catch {
      failed++;
    }
  }
  if (failed) notes.push(`BTF of ${failed} kernel module(s) could not be read; their kfuncs are not listed`);
  notes.push(`kfunc names and prototypes from BTF (${btfDir}: vmlinux${modules.length ? ` + ${modules.length} modules` : ''})`);
  functions.sort((a, b) => (a.module === b.module ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.module === 'vmlinux' ? -1 : b.module === 'vmlinux' ? 1 : a.module < b.module ? -1 : 1));
  return { functions, notes };
}
