#!/usr/bin/env node
// Runs the runtime tier once per installed bpftrace (the system's and those
// scripts/bpftrace-versions.sh unpacked under /opt): KSCOPE_BPFTRACE=<path> selects the
// binary for the engine and the conformance test. Extra arguments go to vitest (files, -t).
// A version that is not installed is skipped with a line saying so.
//   node scripts/test-runtime-versions.mjs [vitest args...]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.KSCOPE_BPFTRACE_DIR || '/opt';
const bins = [];
const sys = spawnSync('sh', ['-c', 'command -v bpftrace'], { encoding: 'utf8' }).stdout.trim();
if (sys) bins.push(sys);
for (const n of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
  if (/^bpftrace-\d/.test(n) && fs.existsSync(path.join(dir, n, '.installed'))) bins.push(path.join(dir, n, 'bpftrace'));
}
const want = ['0.17', '0.23', '0.27'];
const seen = new Map();
for (const b of bins) {
  const v = /v(\d+\.\d+)/.exec(execFileSync(b, ['--version'], { encoding: 'utf8' }))?.[1];
  if (v && !seen.has(v)) seen.set(v, b);
}
for (const v of want) if (!seen.has(v)) console.log(`test-runtime-versions: bpftrace ${v} is not installed (sudo scripts/bpftrace-versions.sh): skipped`);
let failed = 0;
for (const [v, b] of seen) {
  console.log(`\n=== runtime tier on bpftrace ${v} (${b}) ===`);
  const r = spawnSync('npx', ['vitest', 'run', '--project', 'runtime', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, KSCOPE_BPFTRACE: b } });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
