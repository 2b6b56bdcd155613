// `kscope catalog [PATTERN]`: this kernel's probes with bpftrace -l glob semantics, a probe's
// description (--describe), a binary's or a process's user probes.

import { parseArgs } from 'node:util';
import { PROBE_TYPES, type ProbeType } from '../common/contract/index.js';
import { defaultCacheDir } from '../node/backend.js';
import { createCatalog } from '../node/catalog/catalog.js';
import { reasonCapabilities } from '../node/catalog/capabilities.js';
import { gatherEvidence } from '../node/catalog/evidence.js';
import { fail } from './fail.js';

export function catalogCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      describe: { type: 'string', short: 'd' },
      binary: { type: 'string', short: 'b' },
      pid: { type: 'string', short: 'p' },
      types: { type: 'string', short: 't' },
    },
  });
  if (positionals.length > 1) fail(`catalog takes one pattern (got ${positionals.length}); quote globs: kscope catalog 'tracepoint:sched:*'`);
  const pattern = positionals[0] ?? '';
  let types: ProbeType[] | undefined;
  if (values.types !== undefined) {
    const list = values.types.split(',').map((t) => t.trim()).filter(Boolean);
    const bad = list.filter((t) => !(PROBE_TYPES as readonly string[]).includes(t));
    if (bad.length) fail(`unknown probe type(s): ${bad.join(', ')} (types: ${PROBE_TYPES.join(', ')})`);
    types = list as ProbeType[];
  }
  let pid: number | undefined;
  if (values.pid !== undefined) {
    pid = Number(values.pid);
    if (!Number.isInteger(pid) || pid <= 0) fail(`bad PID: ${values.pid}`);
  }
  const caps = reasonCapabilities(gatherEvidence());
  const catalog = createCatalog({ capabilities: () => caps, cacheDir: defaultCacheDir() });
  const out = (s: string) => process.stdout.write(s + '\n');
  try {
    if (values.describe !== undefined) {
      const d = catalog.describeProbe(values.describe, values.binary);
      if (values.json) {
        out(JSON.stringify(d, null, 2));
        return 0;
      }
      out(d.name);
      for (const a of d.args) out(`    ${a.type}${a.type.endsWith('*') ? ' ' : ' '}${a.name};`);
      out('');
      out(d.available ? 'available: yes' : `available: no: ${d.reason ?? 'unknown reason'}`);
      if (d.alternative) out(`alternative: ${d.alternative}`);
      if (d.prototype) out(`prototype: ${d.prototype}`);
      if (d.help) out(`help: ${d.help}`);
      out(`one-liner: ${d.oneLiner}`);
      return 0;
    }
    const first = catalog.listProbes({ query: pattern, types, binary: values.binary, pid, offset: 0, limit: 5000 });
    const probes = [...first.probes];
    while (probes.length < first.total) {
      const next = catalog.listProbes({ query: pattern, types, binary: values.binary, pid, offset: probes.length, limit: 5000 });
      if (next.probes.length === 0) break;
      probes.push(...next.probes);
    }
    if (values.json) {
      out(JSON.stringify({ ...first, probes }, null, 2));
      return first.total === 0 && pattern !== '' ? 1 : 0;
    }
    if (first.total === 0) {
      process.stderr.write(`kscope: no probes match '${pattern}'\n`);
      if (first.suggestions.length) process.stderr.write(`did you mean:\n${first.suggestions.map((s) => `  ${s}`).join('\n')}\n`);
      for (const n of first.notes) process.stderr.write(`note: ${n}\n`);
      return 1;
    }
    const unavailable = new Map(catalog.probeTree(values.binary !== undefined || pid !== undefined ? { binary: values.binary, pid } : {}).types.filter((t) => !t.available).map((t) => [t.type, t.reason]));
    const headed = new Set<string>();
    for (const p of probes) {
      if (!p.available && !headed.has(p.type)) {
        headed.add(p.type);
        out(`# ${p.type}:  (unavailable: ${unavailable.get(p.type) ?? 'not available on this kernel'})`);
      }
      out(p.name);
    }
    for (const n of first.notes) process.stderr.write(`note: ${n}\n`);
    return 0;
  } catch (e) {
    fail((e as Error).message, 1);
  }
}
