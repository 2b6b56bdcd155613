#!/usr/bin/env node
// Regenerates test/fixtures/bpftrace-<version>/ from this machine's real bpftrace:
// for each named script, <name>.bt, <name>.stdout.ndjson and <name>.stderr.txt.
// Needs root; exits 0 with a message when not root or bpftrace is missing.
// Usage: node scripts/gen-fixtures.mjs [name...]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BPFTRACE = process.env.BPFTRACE ?? '/usr/bin/bpftrace';

if (!fs.existsSync(BPFTRACE)) {
  console.log(`gen-fixtures: ${BPFTRACE} not found; nothing generated.`);
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  console.log('gen-fixtures: bpftrace needs root; run as root to regenerate fixtures. Nothing generated.');
  process.exit(0);
}

const versionText = execFileSync(BPFTRACE, ['--version'], { encoding: 'utf8' }).trim(); // "bpftrace v0.17.0"
const m = /v?(\d+)\.(\d+)/.exec(versionText);
const version = m ? `${m[1]}.${m[2]}` : 'unknown';
const outDir = path.join(root, 'test', 'fixtures', `bpftrace-${version}`);

// The snapshot probe exactly as electron/engine/inject-snapshot.ts writes it for this fence
// (inject-snapshot.test.ts checks that they agree).
const FENCE = 'fx0fixture00';
const snapProbe = (maps, ms) =>
  `interval:ms:${ms} { printf("__kscope_snap_${FENCE}_begin__\\n"); ${maps.map((x) => `print(${x}); `).join('')}printf("__kscope_snap_${FENCE}_end__\\n"); }`;
const SNAPSHOT_USER = `tracepoint:raw_syscalls:sys_enter { @[comm] = count(); @lat = hist(nsecs % 1000); }
interval:ms:150 { printf("user line\\n"); }`;

/** name → { src, timeout (s, SIGINT), args } */
const scripts = {
  printf: { src: 'BEGIN { printf("hi \\"q\\"\\n"); printf("tab\\there %d\\n", 42); printf("no newline"); printf("\\n"); exit(); }' },
  time: { src: 'BEGIN { time("%H:%M:%S\\n"); exit(); }' },
  value: { src: 'BEGIN { print((1, "a")); print(123); print("str"); exit(); }' },
  cat: { src: 'BEGIN { cat("/proc/sys/kernel/ostype"); exit(); }' },
  system: { src: 'BEGIN { system("echo plain text from system"); exit(); }', args: ['--unsafe'] },
  maps: {
    src: 'BEGIN { @c = count(); @k["bpftrace", 2] = count(); @str = "s"; @s = sum(5); @s = sum(6); @mn = min(3); @mn = min(1); @mx = max(9); @kk[1] = sum(10); @kk[2] = sum(20); @kk[2] = sum(1); exit(); }',
  },
  hist: { src: 'BEGIN { @h = hist(100); @h = hist(0); @h = hist(1000); @hk["x"] = hist(-1); @hk["y"] = hist(5); exit(); }' },
  lhist: {
    src: 'BEGIN { @lh = lhist(-1, 0, 100, 10); @lh = lhist(200, 0, 100, 10); @lh = lhist(55, 0, 100, 10); @lhk["a"] = lhist(5, 0, 30, 10); @lhk["b"] = lhist(31, 0, 30, 10); exit(); }',
  },
  avg: { src: 'BEGIN { @a = avg(4); @a = avg(6); @ak["x"] = avg(10); @ak["y"] = avg(3); exit(); }' },
  stats: { src: 'BEGIN { @st = stats(10); @st = stats(20); @stk["a", 1] = stats(7); exit(); }' },
  kstack: { src: 'profile:hz:199 { @[kstack, comm] = count(); }', timeout: 1 },
  snapshot: { src: `${SNAPSHOT_USER}\n${snapProbe(['@', '@lat'], 200)}\n`, timeout: 1.1, user: SNAPSHOT_USER },
  'syntax-error': { src: 'BEGIN { printf("x") ' },
  'syntax-error-multiline': { src: 'BEGIN { @x = 1; }\nEND {\n  @a = count(\n}' },
  'unknown-function': { src: 'BEGIN { @x = foo(1); $y = bar(); }' },
  'multi-error': { src: 'BEGIN { printf("%d\\n"); @a[1] = hist("s"); exit(); }' },
  'kprobe-error': { src: 'kprobe:vfs_read { @ = count(); }', timeout: 3 },
  'kretprobe-error': { src: 'kretprobe:vfs_read { @ = count(); }', timeout: 3 },
  'kfunc-error': { src: 'kfunc:vfs_read { @ = count(); }', timeout: 3 },
  'hardware-error': { src: 'hardware:cache-misses:1000 { @ = count(); }', timeout: 3 },
  'include-error': { src: '#include <linux/sched.h>\nBEGIN { exit(); }', timeout: 5 },
};

function run(name, spec) {
  return new Promise((resolve) => {
    const timeout = spec.timeout ?? 5;
    const argv = ['-s', 'INT', '-k', '3', String(timeout), BPFTRACE, ...(spec.args ?? []), '-f', 'json', '-e', spec.src];
    const child = spawn('timeout', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('close', (code, signal) => {
      fs.writeFileSync(path.join(outDir, `${name}.bt`), spec.src.endsWith('\n') ? spec.src : spec.src + '\n');
      if (spec.user) fs.writeFileSync(path.join(outDir, `${name}.user.bt`), spec.user);
      fs.writeFileSync(path.join(outDir, `${name}.stdout.ndjson`), Buffer.concat(out));
      fs.writeFileSync(path.join(outDir, `${name}.stderr.txt`), Buffer.concat(err));
      resolve({ name, code, signal });
    });
  });
}

const only = process.argv.slice(2);
const names = Object.keys(scripts).filter((n) => only.length === 0 || only.includes(n));
fs.mkdirSync(outDir, { recursive: true });
const t0 = Date.now();
// Several at a time: most exit at once, the timed ones overlap.
const results = [];
const queue = [...names];
await Promise.all(
  Array.from({ length: 6 }, async () => {
    while (queue.length > 0) {
      const name = queue.shift();
      results.push(await run(name, scripts[name]));
    }
  }),
);
fs.writeFileSync(
  path.join(outDir, 'VERSION.txt'),
  `${versionText}\nkernel ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}\nsnapshot fence ${FENCE}\n`,
);
for (const r of results.sort((a, b) => a.name.localeCompare(b.name))) console.log(`${r.name.padEnd(24)} exit ${r.code}${r.signal ? ` ${r.signal}` : ''}`);
console.log(`gen-fixtures: wrote ${results.length} fixtures to ${path.relative(root, outDir)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
