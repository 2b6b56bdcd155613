#!/usr/bin/env node
// Regenerates test/fixtures/bpftrace-<major.minor>/ from this machine's real bpftrace:
// for each named script, <name>.bt, <name>.stdout.ndjson and <name>.stderr.txt.
// Needs root; exits 0 with a message when not root or bpftrace is missing.
// BPFTRACE=/opt/bpftrace-0.27.1/bpftrace picks the version (scripts/bpftrace-versions.sh
// installs 0.23 and 0.27); `--all` runs every installed one (/usr/bin and /opt/bpftrace-*).
// Usage: node scripts/gen-fixtures.mjs [--all] [name...]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--all')) {
  // One child per installed version (each writes its own directory).
  const dir = process.env.KSCOPE_BPFTRACE_DIR || '/opt';
  const bins = ['/usr/bin/bpftrace'];
  for (const n of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    if (/^bpftrace-\d/.test(n) && fs.existsSync(path.join(dir, n, '.installed'))) bins.push(path.join(dir, n, 'bpftrace'));
  }
  const rest = process.argv.slice(2).filter((a) => a !== '--all');
  for (const b of bins) execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...rest], { stdio: 'inherit', env: { ...process.env, BPFTRACE: b } });
  process.exit(0);
}
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

// The snapshot probe exactly as node/engine/inject-snapshot.ts writes it for this fence
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
  kstack: { src: 'profile:hz:199 { @[kstack, comm] = count(); }', timeout: 3 },
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
  // Records newer versions print (errorf/warnf 0.24+, runtime_error, tseries 0.25+); older ones reject the script.
  'newer-records': {
    src: 'config = { unstable_tseries = enable } BEGIN { errorf("bad value %d", 7); warnf("suspicious value %d", 3); $z = 0; @d = 5 / $z; @ts = tseries(5, 1s, 10); @tk["one"] = tseries(4, 1s, 10); @tk["two"] = tseries(3, 1s, 10); exit(); }',
  },
  // An error printed to a terminal: bpftrace colours it (captured through script(1)).
  colour: { src: 'BEGIN { foo(); }', tty: true },
  // The tricky corpus (issue 10): what a decoder must keep exactly.
  'dup-tuple-keys': { src: 'BEGIN { @t["a,b", "c"] = 1; @t["a", "b,c"] = 2; @t["x", "y"] = 3; exit(); }' },
  utf8: {
    src: 'BEGIN { printf("caf\u00e9 %s\\n", "\u4e2d\u6587\u6587\u4ef6\u540d"); @k["caf\u00e9"] = count(); @k["\u4e2d\u6587"] = count(); @v = "\u00e9t\u00e9"; print("\u00fcber"); exit(); }',
  },
  'int-limits': {
    src: 'BEGIN { @max = sum(0x7fffffffffffffff); @min = sum(-0x7fffffffffffffff - 1); @neg = sum(-5); @umax[(uint64)0xffffffffffffffff] = count(); @big[1] = sum(0x20000000000001); @mn = min(-9007199254740993); @mx = max(9007199254740993); @st = stats(0x7fffffffffffffff); @sk["a"] = stats(-3); @av = avg(-7); exit(); }',
  },
  'key-escapes': { src: 'BEGIN { @k["back\\\\slash"] = 1; @k["dq\\"quote"] = 2; @k["tab\\there"] = 3; @h["q\\"h"] = hist(5); @s["t\\tt"] = stats(4); exit(); }' },
  'hist-big': { src: 'BEGIN { @h = hist(1000); @h = hist(3000000000); @h = hist(5000000000); @h = hist(-1); exit(); }' },
  print: { src: 'BEGIN { @a[1] = 2; @a[3] = 4; print(@a); print(@a, 1); print(5); print("x"); print((1, "t")); printf("after\\n"); exit(); }' },
  join: {
    src: 'tracepoint:syscalls:sys_enter_execve /str(args->filename) == "/bin/echo"/ { join(args->argv); join(args->argv, "|"); } BEGIN { system("/bin/echo kscope join test"); } interval:ms:600 { exit(); }',
    args: ['--unsafe'],
  },
  // Two busy processes with the same comm and stack: bpftrace prints their keys alike.
  'dup-stacks': {
    src: 'profile:hz:999 /comm == "kscope-busy"/ { @[ustack(2), comm] = count(); @total = count(); }',
    timeout: 4,
    busy: 2,
  },
  // A flood with a one-page buffer: events are lost (printf lines are dropped from the fixture).
  lost: {
    src: 'profile:hz:999 { printf("%d %s %s %s\\n", pid, comm, comm, comm); } tracepoint:raw_syscalls:sys_enter { printf("%d %s %s %s\\n", pid, comm, comm, comm); }',
    timeout: 4,
    env: { BPFTRACE_PERF_RB_PAGES: '1' },
    dropPrintf: true,
  },
};

/** Run under a pseudo-terminal (script(1)): what a user's terminal shows, colours included. */
function runTty(name, spec) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-fx-'));
  const log = path.join(tmp, 'typescript');
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  try {
    execFileSync('script', ['-qec', `${q(BPFTRACE)} -e ${q(spec.src)}`, log], { stdio: 'ignore', timeout: 60_000 });
  } catch {
    /* bpftrace exits non-zero on the error: expected */
  }
  // Drop script(1)'s own "Script started/done" lines; the terminal's CRLF stays (as a terminal gives it).
  const text = fs.readFileSync(log, 'utf8').split('\n').filter((l) => !/^Script (started|done) on /.test(l)).join('\n');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.writeFileSync(path.join(outDir, `${name}.bt`), spec.src + '\n');
  fs.writeFileSync(path.join(outDir, `${name}.stderr.txt`), text);
  return { name, code: 0, signal: null };
}

function run(name, spec) {
  if (spec.tty) return Promise.resolve(runTty(name, spec));
  return new Promise((resolve) => {
    // The timeout counts from the attach (a loaded machine can take seconds to attach);
    // SIGINT then lets bpftrace print its maps, however long symbolizing takes (SIGKILL after 60 s).
    const timeout = spec.timeout ?? 5;
    const argv = [...(spec.args ?? []), '-f', 'json', '-e', spec.src];
    const child = spawn(BPFTRACE, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(spec.env ?? {}) } });
    // A script that never attaches (an error) ends by itself; 30 s is a backstop.
    let interrupt = setTimeout(() => child.kill('SIGINT'), 30_000);
    let attached = false;
    const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (b) => {
      if (attached || !b.includes('attached_probes')) return;
      attached = true;
      clearTimeout(interrupt);
      interrupt = setTimeout(() => child.kill('SIGINT'), timeout * 1000);
    });
    // Busy loops named kscope-busy (a copy of bash under that name), killed when the run ends.
    const busy = [];
    if (spec.busy) {
      const sh = path.join(os.tmpdir(), 'kscope-busy');
      fs.copyFileSync('/bin/bash', sh);
      fs.chmodSync(sh, 0o755);
      for (let i = 0; i < spec.busy; i++) busy.push(spawn(sh, ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    }
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('close', (code, signal) => {
      clearTimeout(interrupt);
      clearTimeout(kill);
      for (const b of busy) b.kill('SIGKILL');
      let stdout = Buffer.concat(out);
      // A flood's printf lines (and all but the first 100 other lines) are left out: megabytes.
      if (spec.dropPrintf) stdout = Buffer.from(stdout.toString('latin1').split('\n').filter((l) => !l.startsWith('{"type": "printf"')).slice(0, 100).join('\n') + '\n', 'latin1');
      fs.writeFileSync(path.join(outDir, `${name}.bt`), spec.src.endsWith('\n') ? spec.src : spec.src + '\n');
      if (spec.user) fs.writeFileSync(path.join(outDir, `${name}.user.bt`), spec.user);
      fs.writeFileSync(path.join(outDir, `${name}.stdout.ndjson`), stdout);
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
