// `npm test`: lint (including the layering rule), typecheck, then every test tier —
// unit, runtime (real bpftrace; needs root, skips with a printed reason), e2e (Chromium
// over `kscope serve`). Ends with one closing line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function step(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' } });
  if (r.status !== 0) failures.push(name);
  return r.status === 0;
}

step('lint', 'npx', ['--no-install', 'eslint', '.']);
step('typecheck', 'npx', ['--no-install', 'tsc', '-b']);

fs.mkdirSync('build/test-results', { recursive: true });
for (const project of ['unit', 'runtime', 'e2e']) {
  const out = `build/test-results/${project}.json`;
  fs.rmSync(out, { force: true });
  const ok = step(project, 'npx', ['--no-install', 'vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  try {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    results.passed += j.numPassedTests;
    results.failed += j.numFailedTests;
    results.skipped += j.numPendingTests + (j.numTodoTests ?? 0);
    if (!ok && j.numFailedTests === 0) results.failed += 1; // a suite that failed to load
  } catch {
    if (!ok) results.failed += 1;
  }
}

if (failures.length) console.log(`\nFailed steps: ${failures.join(', ')}`);
console.log(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(failures.length ? 1 : 0);
