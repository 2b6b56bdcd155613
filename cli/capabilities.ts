// `kscope capabilities [--json]`: what this kernel and this bpftrace can do, and why.
import { parseArgs } from 'node:util';
import type { Capability } from '../common/contract/index.js';

const ORDER = ['bpftrace', 'privilege', 'tracefs', 'btf', 'kernel-headers', 'lockdown', 'perf_event_paranoid', 'unprivileged_bpf_disabled'];

export function formatCapabilities(caps: Record<string, Capability>, color = false): string {
  // Aliases (kfunc, kretfunc, fexit → probe:fentry) are listed once, on their entry's line.
  const aliases = new Map<string, string[]>();
  for (const [k, c] of Object.entries(caps)) if (c.aliasOf) aliases.set(c.aliasOf, [...(aliases.get(c.aliasOf) ?? []), k.replace(/^probe:/, '')]);
  const keys = Object.keys(caps)
    .filter((k) => !caps[k].aliasOf)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const paint = (ok: boolean, s: string) => (color ? `\x1b[${ok ? 32 : 31}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  for (const k of keys) {
    const c = caps[k];
    const name = aliases.has(k) ? `${k} (${aliases.get(k)!.join(', ')})` : k;
    lines.push(`${paint(c.available, c.available ? 'yes' : 'NO ')}  ${name.padEnd(26)} ${c.reason}`);
    if (!c.available) {
      for (const e of c.evidence) lines.push(`       evidence: ${e}`);
      if (c.remedy) lines.push(`       remedy:   ${c.remedy}`);
      if (c.alternative) lines.push(`       instead:  ${c.alternative}`);
    }
  }
  return lines.join('\n');
}

function rank(k: string): number {
  const i = ORDER.indexOf(k);
  return i >= 0 ? i : k.startsWith('probe:') ? 100 : 50;
}

export function capabilitiesCommand(argv: string[], caps: () => Record<string, Capability>): number {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const c = caps();
  process.stdout.write(values.json ? JSON.stringify({ entries: c }, null, 2) + '\n' : formatCapabilities(c, Boolean(process.stdout.isTTY)) + '\n');
  return 0;
}
