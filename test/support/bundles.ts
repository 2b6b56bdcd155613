// Fresh bundles of the helper (and the CLI beside it) for runtime tests, in
// dist/<dir>/: two levels below the repository, where the bundles find the native addon
// (native/build/Release) as dist/electron/*.cjs do. Used only by *.runtime.test.ts.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

/** `trustedDirs`: searched for bpftrace before the system's directories (a test bundle only). */
export async function bundleHelperInto(dir: string, opts: { trustedDirs?: string[] } = {}): Promise<string> {
  const outfile = path.join(dir, 'helper.cjs');
  await build({
    ...(opts.trustedDirs ? { define: { __KSCOPE_TEST_TRUSTED_DIRS__: JSON.stringify(opts.trustedDirs) } } : {}),
    entryPoints: [path.resolve('root-helper/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
  });
  return outfile;
}

/** A fresh directory dist/<prefix>-<pid>-<n>/ (removed by the caller). */
export function testBundleDir(prefix: string): string {
  const root = path.resolve('dist');
  fs.mkdirSync(root, { recursive: true });
  return fs.mkdtempSync(path.join(root, `${prefix}-${process.pid}-`));
}
