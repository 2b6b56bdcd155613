// `kscope capabilities --host H [--host H2 ...] [--json] [--ssh-config F]`: each host's
// capabilities over ssh (the far side reasons from its own kernel's evidence), then what
// differs between them.
import { parseArgs } from 'node:util';
import { formatCapabilities } from './capabilities.js';
import { capabilityDifferences, type HostCaps } from '../node/remote/host-capabilities.js';
import { RemoteHost } from '../node/remote/ssh-host.js';
import { hostTargets } from './host-targets.js';

export async function capabilitiesOnHosts(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, host: { type: 'string', multiple: true }, 'ssh-config': { type: 'string' } } });
  const hosts = hostTargets(values.host);
  if (typeof hosts === 'number') return hosts;
  const { targets, bundle } = hosts;
  const results: (HostCaps & { kernelRelease: string | null; bpftraceVersion: string | null })[] = await Promise.all(
    targets.map(async (t) => {
      let host: RemoteHost | null = null;
      try {
        host = await RemoteHost.connect(t, { bundle, configFile: values['ssh-config'] });
        const v = await host.client.version();
        const c = await host.client.capabilities();
        return { host: t.spec, entries: c.entries, problem: null, kernelRelease: v.kernelRelease, bpftraceVersion: v.bpftrace?.version ?? null };
      } catch (e) {
        return { host: t.spec, entries: null, problem: (e as Error).message, kernelRelease: null, bpftraceVersion: null };
      } finally {
        await host?.close();
      }
    }),
  );
  const diffs = capabilityDifferences(results);
  if (values.json) process.stdout.write(JSON.stringify({ hosts: results, differences: diffs }, null, 2) + '\n');
  else {
    for (const r of results) {
      process.stdout.write(`== ${r.host}${r.kernelRelease ? ` (kernel ${r.kernelRelease}, bpftrace ${r.bpftraceVersion ?? 'missing'})` : ''}\n`);
      process.stdout.write((r.entries ? formatCapabilities(r.entries, Boolean(process.stdout.isTTY)) : `unreachable: ${r.problem}`) + '\n\n');
    }
    if (results.length > 1) process.stdout.write(diffs.length ? `Differences:\n${diffs.map((d) => `  ${d}`).join('\n')}\n` : 'No differences between the hosts that answered.\n');
  }
  return results.every((r) => r.entries) ? 0 : 1;
}
