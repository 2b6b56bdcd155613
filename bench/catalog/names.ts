// The bench's probe-name set, from this machine: kallsyms text symbols (kprobe:, kretprobe:),
// BTF function names (kfunc:, kretfunc:; from the native addon, else kallsyms again) and
// tracepoints. Deterministic (sorted sources); padded with module-style variants to ≥ 240k.
import fs from 'node:fs';
import { loadNative } from '../../node/native.js';
import type { IndexEntry } from '../../node/catalog/search.js';
import { kfuncName } from '../../node/catalog/kfuncs.js';
import { parseKallsyms } from '../../node/catalog/kprobes.js';
import { readTracepoints } from '../../node/catalog/tracepoints.js';
import { findTracefs } from '../../node/catalog/tracefs.js';

export const MIN_NAMES = 240_000;

export interface NameSet {
  entries: IndexEntry[];
  notes: string[];
}

export function buildNames(min = MIN_NAMES): NameSet {
  const notes: string[] = [];
  const tp = readTracepoints(findTracefs());
  const ks = parseKallsyms(fs.readFileSync('/proc/kallsyms', 'utf8'));
  let btf: Array<{ name: string; module: string }>;
  try {
    btf = loadNative().btfFunctions('/sys/kernel/btf/vmlinux').map((f) => ({ name: f.name, module: 'vmlinux' }));
    btf.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    notes.push(`kfunc names: ${btf.length} BTF functions (native btfFunctions)`);
  } catch (e) {
    btf = ks;
    notes.push(`kfunc names from kallsyms (native btfFunctions unavailable: ${(e as Error).message})`);
  }
  const entries: IndexEntry[] = [];
  for (const n of tp.names) entries.push({ name: `tracepoint:${n.subsys}:${n.event}`, type: 'tracepoint', group: n.subsys });
  for (const f of ks) entries.push({ name: `kprobe:${f.name}`, type: 'kprobe', group: f.module });
  for (const f of ks) entries.push({ name: `kretprobe:${f.name}`, type: 'kretprobe', group: f.module });
  for (const f of btf) entries.push({ name: kfuncName('kfunc', f), type: 'kfunc', group: f.module });
  for (const f of btf) entries.push({ name: kfuncName('kretfunc', f), type: 'kretfunc', group: f.module });
  notes.push(`${tp.names.length} tracepoints, ${ks.length} kallsyms text symbols (kprobe + kretprobe), ${btf.length} kfunc names (kfunc + kretfunc)`);
  if (entries.length < min) {
    const need = min - entries.length;
    const mods = ['ext4', 'xfs', 'btrfs', 'nf_tables', 'kvm', 'i915', 'amdgpu', 'mlx5_core'];
    for (let i = 0; i < need; i++) {
      const f = ks[i % ks.length];
      const mod = mods[Math.floor(i / ks.length) % mods.length];
      entries.push({ name: `kfunc:${mod}:${f.name}`, type: 'kfunc', group: mod });
    }
    notes.push(`padded with ${need} module-style kfunc variants (kfunc:MODULE:name) to reach ${min}`);
  }
  return { entries, notes };
}
