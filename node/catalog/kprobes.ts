// Kernel function names for kprobe/kretprobe: tracefs `available_filter_functions` where it
// can be read (what bpftrace itself lists), else the text symbols of /proc/kallsyms.
// Parsers are pure; the reader takes its roots as parameters.
import fs from 'node:fs';
import path from 'node:path';

export interface KernelFunction {
  name: string;
  /** 'vmlinux' or the module name (from a `[module]` suffix). */
  module: string;
}

function dedupeSorted(list: KernelFunction[]): KernelFunction[] {
  const seen = new Set<string>();
  const out: KernelFunction[] = [];
  for (const f of list) {
    // One name per function: bpftrace's kprobe:NAME does not say which module.
    if (seen.has(f.name)) continue;
    seen.add(f.name);
    out.push(f);
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** `/proc/kallsyms` → text symbols (`t`/`T`), `[module]` suffix into `module`. */
export function parseKallsyms(text: string): KernelFunction[] {
  const out: KernelFunction[] = [];
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    // "<addr> <type> <name>[\t[module]]"
    const s1 = text.indexOf(' ', start);
    if (s1 !== -1 && s1 + 3 < end && text[s1 + 2] === ' ') {
      const t = text[s1 + 1];
      if (t === 't' || t === 'T') {
        const rest = text.slice(s1 + 3, end);
        const tab = rest.search(/\s/);
        const name = tab === -1 ? rest : rest.slice(0, tab);
        const mod = tab === -1 ? null : /\[([^\]]+)\]/.exec(rest.slice(tab));
        // __pfx_ padding and the ftrace/BPF trampolines ([__builtin__ftrace], [bpf]) are not functions one can probe.
        if (name && !name.startsWith('__pfx_') && !(mod && (mod[1].startsWith('__builtin__') || mod[1] === 'bpf'))) out.push({ name, module: mod ? mod[1] : 'vmlinux' });
      }
    }
    start = end + 1;
  }
  return dedupeSorted(out);
}

/** tracefs `available_filter_functions`: `name [module]` per line (newer kernels add an address column with `_addrs`). */
export function parseAvailableFilterFunctions(text: string): KernelFunction[] {
  const out: KernelFunction[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:[0-9a-f]{8,}\s+)?(\S+)(?:\s+\[([^\]]+)\])?/.exec(line);
    if (m) out.push({ name: m[1], module: m[2] ?? 'vmlinux' });
  }
  return dedupeSorted(out);
}

export interface KprobeSource {
  functions: KernelFunction[];
  /** Which file the names came from. */
  source: 'available_filter_functions' | 'kallsyms' | 'none';
  notes: string[];
}

export function readKprobeFunctions(roots: { tracefs: string | null; proc: string }): KprobeSource {
  let why = 'tracefs is not mounted';
  if (roots.tracefs) {
    const aff = path.join(roots.tracefs, 'available_filter_functions');
    try {
      const functions = parseAvailableFilterFunctions(fs.readFileSync(aff, 'utf8'));
      return { functions, source: 'available_filter_functions', notes: [`kprobe names from ${aff}`] };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      why = err.code === 'EPERM' ? `${aff} is not readable (Operation not permitted)` : err.code === 'ENOENT' ? `${aff} does not exist` : `${aff} is not readable (${err.message})`;
    }
  }
  const ks = path.join(roots.proc, 'kallsyms');
  try {
    const functions = parseKallsyms(fs.readFileSync(ks, 'utf8'));
    return {
      functions,
      source: 'kallsyms',
      notes: [`kprobe names from ${ks}: ${why}; some of these text symbols may not be attachable (notrace, inlined)`],
    };
  } catch (e) {
    return { functions: [], source: 'none', notes: [`no kprobe names: ${why}, and ${ks} is not readable (${(e as Error).message})`] };
  }
}
