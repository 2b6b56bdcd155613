// Catalog bench: per-keystroke search latency of kscope's SearchIndex vs uFuzzy (the
// baseline) over the same ≥ 240k probe names and the same typed queries, in one run; and
// catalog load cold vs from the cache vs `bpftrace -l`, on the same clock.
// Run: node scripts/bench.mjs catalog
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import uFuzzy from '@leeoniya/ufuzzy';
import { createCatalog } from '../../node/catalog/catalog.js';
import { reasonCapabilities } from '../../node/catalog/capabilities.js';
import { gatherEvidence } from '../../node/catalog/evidence.js';
import { SearchIndex } from '../../node/catalog/search.js';
import { findBpftrace } from '../../node/engine/bpftrace-binary.js';
import { buildNames } from './names.js';

export const QUERIES = [
  'vfs_r',
  'vfs_read',
  'sys_enter_op',
  'tcp_sendmsg',
  'sched:sched_sw',
  'kmalloc',
  'ext4_',
  '*vfs*',
  'tracepoint:syscalls:sys_enter_*',
  'do_sys_open',
  'tcp_v4_connect',
  'blk_mq_start_request',
  'page_fault',
  'schedule',
  'kfree_skb',
  'inet_csk_accept',
  'tracepoint:sched:*',
  'kretprobe:vfs_*',
  'netif_receive_skb',
  'security_file_open',
  'handle_mm_fault',
  'bpf_prog_run',
];

const now = () => performance.now();

function stats(xs: number[]): { p50: number; p95: number; max: number; mean: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p95: q(0.95), max: s[s.length - 1], mean: xs.reduce((a, b) => a + b, 0) / xs.length, n: xs.length };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

function main(): void {
  const t0 = now();
  const { entries, notes } = buildNames();
  const tNames = now() - t0;
  const t1 = now();
  const index = new SearchIndex(entries);
  const tIndex = now() - t1;
  const haystack = entries.map((e) => e.name);
  const uf = new uFuzzy();
  console.log(`names: ${entries.length} (built in ${tNames.toFixed(0)} ms; kscope index ${tIndex.toFixed(0)} ms)`);
  for (const n of notes) console.log(`  ${n}`);

  const kscope: number[] = [];
  const ufuzzy: number[] = [];
  const perQuery: Array<{ query: string; kscopeP95: number; ufuzzyP95: number; kscopeTotal: number; ufuzzyTotal: number }> = [];
  const passes = 3; // pass 0 warms the JIT and is not counted
  for (let pass = 0; pass < passes; pass++) {
    for (const q of QUERIES) {
      const kq: number[] = [];
      const uq: number[] = [];
      let kTotal = 0;
      let uTotal = 0;
      for (let i = 1; i <= q.length; i++) {
        const typed = q.slice(0, i);
        let a = now();
        const r = index.search({ query: typed, offset: 0, limit: 100 });
        kq.push(now() - a);
        kTotal = r.total;
        a = now();
        const [idxs, info, order] = uf.search(haystack, typed);
        // Materialize the ranked page as a UI would.
        const page: string[] = [];
        if (idxs) {
          if (order && info) for (let k = 0; k < Math.min(100, order.length); k++) page.push(haystack[info.idx[order[k]]]);
          else for (let k = 0; k < Math.min(100, idxs.length); k++) page.push(haystack[idxs[k]]);
        }
        uq.push(now() - a);
        uTotal = idxs ? idxs.length : 0;
      }
      if (pass === 0) continue;
      kscope.push(...kq);
      ufuzzy.push(...uq);
      if (pass === passes - 1) perQuery.push({ query: q, kscopeP95: r2(stats(kq).p95), ufuzzyP95: r2(stats(uq).p95), kscopeTotal: kTotal, ufuzzyTotal: uTotal });
    }
  }
  const ks = stats(kscope);
  const us = stats(ufuzzy);

  // Load: cold (fresh cache dir) vs cache vs bpftrace -l.
  const caps = reasonCapabilities(gatherEvidence());
  const cold: number[] = [];
  const cached: number[] = [];
  let probes = 0;
  for (let k = 0; k < 3; k++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-bench-cache-'));
    const c1 = createCatalog({ capabilities: () => caps, cacheDir: dir });
    let a = now();
    c1.probeTree();
    cold.push(now() - a);
    probes = c1.stats().probes;
    const c2 = createCatalog({ capabilities: () => caps, cacheDir: dir });
    a = now();
    c2.probeTree();
    cached.push(now() - a);
    if (c2.stats().source !== 'cache') throw new Error('second catalog did not load from the cache');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const bpf = findBpftrace();
  const bpftraceL: number[] = [];
  let bpftraceLines = 0;
  if (bpf) {
    for (let k = 0; k < 3; k++) {
      const a = now();
      const r = spawnSync(bpf, ['-l'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      bpftraceL.push(now() - a);
      bpftraceLines = r.stdout.split('\n').filter(Boolean).length;
    }
  }
  const med = (xs: number[]) => (xs.length ? stats(xs).p50 : NaN);

  const out = {
    names: entries.length,
    notes,
    queries: QUERIES,
    keystrokes: ks.n,
    search: {
      kscope: { p50: r2(ks.p50), p95: r2(ks.p95), max: r2(ks.max), mean: r2(ks.mean) },
      ufuzzy: { p50: r2(us.p50), p95: r2(us.p95), max: r2(us.max), mean: r2(us.mean) },
      p95Ratio: r2(us.p95 / ks.p95),
      perQuery,
    },
    load: {
      probes,
      coldMs: r2(med(cold)),
      cacheMs: r2(med(cached)),
      bpftraceListMs: r2(med(bpftraceL)),
      bpftraceListLines: bpftraceLines,
      coldOverCache: r2(med(cold) / med(cached)),
      cacheOverBpftraceList: r2(med(cached) / med(bpftraceL)),
      indexBuildMs: r2(tIndex),
    },
    node: process.version,
    date: new Date().toISOString(),
  };

  console.log(`\n### Per-keystroke search (${ks.n} keystrokes over ${QUERIES.length} queries × 2 passes, ${entries.length} names)\n`);
  console.log('| engine | p50 ms | p95 ms | max ms | mean ms |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| kscope SearchIndex | ${r2(ks.p50)} | ${r2(ks.p95)} | ${r2(ks.max)} | ${r2(ks.mean)} |`);
  console.log(`| uFuzzy (baseline) | ${r2(us.p50)} | ${r2(us.p95)} | ${r2(us.max)} | ${r2(us.mean)} |`);
  console.log(`\np95: uFuzzy / kscope = ${out.search.p95Ratio}×  (target: kscope p95 ≤ 16 ms: ${ks.p95 <= 16 ? 'met' : 'NOT met'})\n`);
  console.log('| query | kscope p95 ms | uFuzzy p95 ms | kscope matches | uFuzzy matches |');
  console.log('|---|---:|---:|---:|---:|');
  for (const p of perQuery) console.log(`| \`${p.query}\` | ${p.kscopeP95} | ${p.ufuzzyP95} | ${p.kscopeTotal} | ${p.ufuzzyTotal} |`);
  console.log(`\n### Catalog load (${probes} probes; median of 3)\n`);
  console.log('| load | ms | ratio |');
  console.log('|---|---:|---:|');
  console.log(`| cold (read kernel + index) | ${out.load.coldMs} | ${out.load.coldOverCache}× cache |`);
  console.log(`| from cache (+ index) | ${out.load.cacheMs} | 1× |`);
  console.log(`| \`bpftrace -l\` (${bpftraceLines} lines) | ${out.load.bpftraceListMs} | cache = ${out.load.cacheOverBpftraceList}× bpftrace -l |`);
  fs.mkdirSync('bench/output', { recursive: true });
  fs.writeFileSync('bench/output/catalog.json', JSON.stringify(out, null, 2) + '\n');
  console.log('\nwrote bench/output/catalog.json');
}

if (!process.env.NO_MAIN) main();
