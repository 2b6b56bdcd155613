// BTF struct layouts for the editor (describeStruct): what a `curtask->` costs the host.
// In one run: the baseline is asking bpftrace itself (`bpftrace -lv 'struct task_struct'`,
// a process that reads the kernel's BTF), then kscope's reader: the first struct in a fresh
// process (libbpf parses /sys/kernel/btf/vmlinux), another struct after that parse, a
// struct through the addon every time (what describeStruct did before its cache), and the
// reader's cached answer (what the editor's repeated asks cost). Aim: the first answer well
// under bpftrace's, a repeated one far under a frame (16 ms).
// Run: node scripts/bench.mjs btf-structs   (report `uptime` beside the numbers)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createBtfStructReader } from '../../node/catalog/btf-structs.js';
import { findBpftrace } from '../../node/engine/bpftrace-binary.js';
import { loadNative } from '../../node/native.js';

const VMLINUX = '/sys/kernel/btf/vmlinux';
if (!fs.existsSync(VMLINUX)) {
  console.log(`skipped: ${VMLINUX} is missing`);
  process.exit(0);
}
const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const addon = loadNative();
const reader = createBtfStructReader(() => '/sys/kernel/btf', () => addon);
let t0 = performance.now();
const first = reader.describe('task_struct');
const cold = ms(t0);
t0 = performance.now();
reader.describe('sock');
const otherAfterParse = ms(t0);

const N = 500;
t0 = performance.now();
for (let i = 0; i < N; i++) addon.btfStruct(VMLINUX, 'task_struct');
const uncached = ms(t0) / N;
t0 = performance.now();
for (let i = 0; i < N; i++) reader.describe('task_struct');
const cached = ms(t0) / N;

let bpftraceMs: number | null = null;
const bpftrace = findBpftrace();
if (bpftrace && process.getuid?.() === 0) {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    execFileSync(bpftrace, ['-lv', 'struct task_struct'], { stdio: ['ignore', 'pipe', 'ignore'] });
    runs.push(ms(t0));
  }
  bpftraceMs = median(runs);
}

console.log(`struct task_struct: ${first.members.length} members, ${first.size} bytes; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`baseline bpftrace -lv (median of 5): ${bpftraceMs === null ? 'not run (needs root and bpftrace)' : `${bpftraceMs.toFixed(1)} ms`}`);
console.log(`first struct, fresh process (parse + walk): ${cold.toFixed(1)} ms${bpftraceMs ? ` (${(bpftraceMs / cold).toFixed(1)}x faster than bpftrace)` : ''}`);
console.log(`another struct after the parse: ${otherAfterParse.toFixed(2)} ms`);
console.log(`task_struct through the addon each time: ${uncached.toFixed(3)} ms; cached: ${cached.toFixed(4)} ms (${(uncached / cached).toFixed(0)}x)`);
