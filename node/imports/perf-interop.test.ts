// perf script import against the reference reader: FlameGraph's stackcollapse-perf.pl, run
// once over real `perf script` text made on this machine (scripts/gen-interop-fixtures.sh;
// its outputs are the *.collapsed files). Equal stacks, equal totals, frame by frame.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePerfScript, type PerfImportOptions } from '../../common/import/perf-script.js';
import { foldEvent, mapEvents, treeToFolded } from '../../test/support/imports.js';
import { importText } from './index.js';

const DIR = path.resolve(__dirname, '../../test/fixtures/interop');
const read = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');

/** A folded text as stack → count (stackcollapse-perf.pl writes each stack once). */
function collapsed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of text.split('\n')) {
    if (!l) continue;
    const sp = l.lastIndexOf(' ');
    out.set(trimFrames(l.slice(0, sp)), Number(l.slice(sp + 1)));
  }
  return out;
}

/**
 * kscope keeps stacks in bpftrace's key text, whose frame lines are trimmed: a frame that
 * stackcollapse-perf.pl leaves with a trailing space ("std::function<void ", cut at its "(")
 * is compared without it. The comm's spaces are "_" in stackcollapse-perf.pl's output.
 */
const trimFrames = (stack: string) =>
  stack
    .split(';')
    .map((f, i) => (i === 0 ? f.replace(/ /g, '_') : f.trim()))
    .join(';');

function imported(file: string, opts: PerfImportOptions = {}): Map<string, number> {
  const r = parsePerfScript(read(file), opts);
  expect(r.problems).toEqual([]);
  const maps = mapEvents(r.events);
  expect(maps).toHaveLength(1);
  const out = new Map<string, number>();
  for (const [k, v] of treeToFolded(foldEvent(maps[0]))) out.set(trimFrames(k), v);
  return out;
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const samplesIn = (text: string) => text.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('#')).length;

describe('perf script import agrees with stackcollapse-perf.pl', () => {
  it('C++ frames (templates, std::function) tidied the same, weighted by period', () => {
    const got = imported('perf-cpp.txt');
    const want = collapsed(read('perf-cpp.collapsed'));
    expect(got).toEqual(want);
    // cpu-clock's fixed period: the total is samples × period.
    expect(total(got)).toBe(samplesIn(read('perf-cpp.txt')) * 10309278);
  });

  it('periods that vary per sample (page-faults in frequency mode): weighted like the reference', () => {
    const got = imported('perf-faults.txt');
    const want = collapsed(read('perf-faults.collapsed'));
    expect(got).toEqual(want);
    // Weighting matters here: the period total is far above the sample count.
    expect(total(got)).toBeGreaterThan(samplesIn(read('perf-faults.txt')) * 5);
  });

  it('--count-samples counts each sample once', () => {
    const got = imported('perf-faults.txt', { weight: 'samples' });
    expect(total(got)).toBe(samplesIn(read('perf-faults.txt')));
    // The reference counts samples when perf printed no period: the same numbers.
    expect(got).toEqual(collapsed(read('perf-faults-no-time.collapsed')));
  });

  it('reads every header shape: no time and no period (perf script -F comm,pid,tid,event,ip,sym,dso)', () => {
    expect(imported('perf-faults-no-time.txt')).toEqual(collapsed(read('perf-faults-no-time.collapsed')));
  });

  it('reads cpu, time and period together (-F comm,pid,tid,cpu,time,period,...)', () => {
    expect(imported('perf-faults-cpu-period.txt')).toEqual(collapsed(read('perf-faults-cpu-period.collapsed')));
  });

  it('a period without a time (-F comm,tid,period,...) is still the weight', () => {
    // stackcollapse-perf.pl finds the period only after a "time:" and so counts samples on
    // this shape (its output: perf-faults-tid-period.collapsed); the period perf printed is
    // the true weight, so kscope agrees with the reference over the same perf.data with time.
    const got = imported('perf-faults-tid-period.txt');
    expect(got).toEqual(collapsed(read('perf-faults.collapsed')));
    expect(got).not.toEqual(collapsed(read('perf-faults-tid-period.collapsed')));
  });

  it('Java inline chains split, L prefixes and arguments cut, quotes dropped, "(...)" frames skipped', () => {
    expect(imported('perf-java-inline.txt')).toEqual(collapsed(read('perf-java-inline.collapsed')));
  });

  it('--raw-frames keeps frames as perf printed them', () => {
    const got = imported('perf-java-inline.txt', { rawFrames: true });
    const stacks = [...got.keys()].join('\n');
    expect(stacks).toContain('Lorg/example/Server;.handle(Lorg/example/Request;)V->Lorg/example/Router;.route(Ljava/lang/String;)V');
    expect(stacks).toContain('(anonymous namespace)::Run(int)');
    expect(total(got)).toBe(1_500_000);
  });

  it('no call graphs (one line a sample, the comm right-aligned): the same periods and samples as perf report', () => {
    const text = read('perf-cpp-no-callgraph.txt');
    // stackcollapse-perf.pl reads none of it (its header regex wants no leading space).
    expect(read('perf-cpp-no-callgraph.collapsed')).toBe('');
    const byPeriod = imported('perf-cpp-no-callgraph.txt');
    const bySample = imported('perf-cpp-no-callgraph.txt', { weight: 'samples' });
    // perf report -F period,sample,comm,sym: "1072164912  104  kscope-interop  [.] spin".
    const report = read('perf-cpp-no-callgraph.report')
      .split('\n')
      .filter(Boolean)
      .map((l) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+\[.\] (.*?)\s*$/.exec(l)!);
    expect(report.length).toBeGreaterThan(0);
    expect(new Map(report.map((m) => [`${m[3]};${m[4]}`, Number(m[1])]))).toEqual(byPeriod);
    expect(new Map(report.map((m) => [`${m[3]};${m[4]}`, Number(m[2])]))).toEqual(bySample);
    expect(importText(text).format).toBe('perf');
  });

  it('detects a perf script without time as perf (not folded, not refused)', () => {
    const r = importText(read('perf-faults-no-time.txt'));
    expect(r.format).toBe('perf');
    expect(r.header.options).toMatchObject({ imported: { perf: { weight: 'period', rawFrames: false } } });
  });
});
