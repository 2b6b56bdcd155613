#!/usr/bin/env node
// Generic benchmark runner: bundles bench/<name>/run.ts with esbuild to
// build/bench/<name>.mjs and runs it with node. Benchmarks are never timed in tests.
// Usage: node scripts/bench.mjs            (every bench/<name>/run.ts)
//        node scripts/bench.mjs decode     (one)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const all = fs.existsSync(benchDir)
  ? fs.readdirSync(benchDir).filter((d) => fs.existsSync(path.join(benchDir, d, 'run.ts'))).sort()
  : [];
const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!all.includes(w)) {
    console.error(`bench: no bench/${w}/run.ts (have: ${all.join(', ') || 'none'})`);
    process.exit(2);
  }
}
const names = wanted.length > 0 ? wanted : all;
let failed = 0;
for (const name of names) {
  const outfile = path.join(root, 'build', 'bench', `${name}.mjs`);
  await build({
    entryPoints: [path.join(benchDir, name, 'run.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  console.log(`\n## bench ${name}\n`);
  const r = spawnSync(process.execPath, [outfile], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${name} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
