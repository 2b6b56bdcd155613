// `node scripts/serve-fake.mjs [--port 5178] [--token dev]`: the real host over the typed
// fake backend, for looking at the UI (and screenshots, renderer/dev/shoot.mjs) without a
// kernel, bpftrace or root. Serves the built renderer (npm run build); the library starts
// with two real CPU-profile recordings (fake-backend.ts SEED_RECORDINGS).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startHost } from '../../../node/serve/host.js';
import { createFakeBackend } from './fake-backend.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '5178' }, token: { type: 'string', default: 'dev' }, renderer: { type: 'string', default: 'dist/renderer' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port: ${values.port}`);
  const backend = createFakeBackend({ seed: true });
  const host = await startHost({ impl: backend.impl, events: backend.events, rendererDir: path.resolve(values.renderer!), port, token: values.token, exportsDir: backend.exportsDir ?? undefined, log: (l) => console.error(l) });
  console.log(`fake kscope host (no kernel, runs simulated): ${host.url}`);
  const close = () => void host.close().then(() => backend.shutdown()).finally(() => process.exit(0));
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
}

main().catch((e: Error) => {
  console.error(`serve-fake: ${e.message}`);
  process.exit(1);
});
