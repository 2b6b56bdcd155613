// Bundle and start test/support/fake-backend/serve-main.ts (TypeScript: Node 20 cannot run
// it directly): the real host over the typed fake backend, for looking at the UI without
// a kernel. Arguments are passed on (--port, --token, --renderer).
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import fs from 'node:fs';

// Beside its sources: the fake backend finds its fixtures relative to __dirname.
const out = `test/support/fake-backend/.serve-fake-${process.pid}.cjs`;
await build({ entryPoints: ['test/support/fake-backend/serve-main.ts'], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['electron', 'bufferutil', 'utf-8-validate'], logLevel: 'warning' });
const child = spawn(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => {
  fs.rmSync(out, { force: true });
  process.exit(code ?? 1);
});
