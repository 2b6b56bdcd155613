// `kscope catalog [PATTERN] --host H [--host H2 ...] [--json] [--ssh-config F]`: each host's
// probes matching PATTERN (from that host's own kernel), then the probes some hosts have
// and others do not.
import { parseArgs } from 'node:util';
import { probeDifferences, type HostProbes } from '../node/remote/host-capabilities.js';
import { RemoteHost } from '../node/remote/ssh-host.js';
import { hostTargets } from './host-targets.js';

export async function catalogOnHosts(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, host: { type: 'string', multiple: true }, 'ssh-config': { type: 'string' } } });
  const pattern = positionals[0] ?? '';
  const hosts = hostTargets(values.host);
  if (typeof hosts === 'number') return hosts;
  const { targets, bundle } = hosts;
  const results: (HostProbes & { problem: string | null })[] = await Promise.all(
    targets.map(async (t) => {
      let host: RemoteHost | null = null;
      try {
        host = await RemoteHost.connect(t, { bundle, configFile: values['ssh-config'] });
        const probes: { name: string; available: boolean }[] = [];
        for (;;) {
          const page = await host.client.listProbes({ query: pattern, offset: probes.length, limit: 5000 });
          probes.push(...page.probes.map((p) => ({ name: p.name, available: p.available })));
          if (page.probes.length === 0 || probes.length >= page.total) break;
        }
        return { host: t.spec, probes, problem: null };
      } catch (e) {
        return { host: t.spec, probes: null, problem: (e as Error).message };
      } finally {
        await host?.close();
      }
    }),
  );
  const diff = probeDifferences(results);
  if (values.json) process.stdout.write(JSON.stringify({ pattern, hosts: results, differences: diff.lines, moreDifferences: diff.more }, null, 2) + '\n');
  else {
    for (const r of results) process.stdout.write(r.probes ? `${r.host}: ${r.probes.length} probes match '${pattern}' (${r.probes.filter((p) => p.available).length} available)\n` : `${r.host}: unreachable: ${r.problem}\n`);
    if (results.length > 1) {
      process.stdout.write(diff.lines.length ? `Differences:\n${diff.lines.map((l) => `  ${l}`).join('\n')}\n` : 'The hosts that answered have the same probes.\n');
      if (diff.more) process.stdout.write(`  … ${diff.more} more (--json lists the first 50 too; narrow the pattern)\n`);
    }
  }
  return results.every((r) => r.probes) ? 0 : 1;
}
