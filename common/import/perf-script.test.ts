import { describe, expect, it } from 'vitest';
import { LiveState } from '../../node/engine/live-state.js';
import { isStackMap } from '../profile/stacks.js';
import { parseFolded } from './folded.js';
import { parsePerfScript, perfEventMapName, perfFrame } from './perf-script.js';
import { fixture, foldEvent, mapEvents, treeToFolded } from '../../test/support/imports.js';

// Real `perf script` output of `perf record -e cpu-clock -F 49 -g -a -- sleep 2` on this
// machine, and perf's own stackcollapse.py over the same perf.data (scripts/gen-import-fixtures.sh).
const PERF = fixture('perf-script.txt');
const COLLAPSED = fixture('perf-script.folded');

/**
 * stackcollapse.py names every unknown symbol "[unknown]" (this import names its object, as
 * stackcollapse-perf.pl does) and writes a comm's spaces as "_" (this import keeps the comm
 * as bpftrace prints it).
 */
const likeStackcollapse = (m: Map<string, number>) => {
  const out = new Map<string, number>();
  for (const [k, v] of m) {
    const key = k
      .split(';')
      .map((f, i) => (i === 0 ? f.replace(/ /g, '_') : /^\[.*\]$/.test(f) ? '[unknown]' : f))
      .join(';');
    out.set(key, (out.get(key) ?? 0) + v);
  }
  return out;
};

describe('perf script import', () => {
  it('reads frame lines: symbol with offset, the object for unknown symbols, nested parentheses', () => {
    expect(perfFrame('\tffffffff821f4dab pv_native_safe_halt+0xb ([kernel.kallsyms])')).toBe('pv_native_safe_halt+0xb');
    expect(perfFrame('\t    7f1c2a3b4c5d [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)')).toBe('[libc.so.6]');
    expect(perfFrame('\t           c584f [unknown] (/memfd:sealed-91173221a7ea (deleted))')).toBe('[memfd:sealed-91173221a7ea (deleted)]');
    expect(perfFrame('\t 0 [unknown] ([unknown])')).toBe('[unknown]');
    expect(perfFrame('\t 55d0 std::vector<int, std::allocator<int> >::push_back(int const&)+0x1 (/usr/bin/app)')).toBe(
      'std::vector<int, std::allocator<int> >::push_back(int const&)+0x1',
    );
    expect(perfFrame('\tnot a frame')).toBeNull();
  });

  it('imports a real perf script with the same stacks and totals as perf\'s own stackcollapse (samples counted, frames raw)', () => {
    // stackcollapse.py counts samples and keeps frames as perf prints them: the options that
    // do the same. (The defaults follow stackcollapse-perf.pl: perf-interop.test.ts.)
    const r = parsePerfScript(PERF, { weight: 'samples', rawFrames: true });
    expect(r.problems).toEqual([]);
    const maps = mapEvents(r.events);
    expect(maps.map((m) => m.name)).toEqual(['@cpu_clock']);
    expect(isStackMap(maps[0].entries)).toBe(true);
    // Grouped by comm: the comm is the key's second part, the tree's first level.
    const got = likeStackcollapse(treeToFolded(foldEvent(maps[0])));
    const want = likeStackcollapse(treeToFolded(foldEvent(mapEvents(parseFolded(COLLAPSED).events)[0])));
    expect(got).toEqual(want);
    const samples = PERF.split('\n').filter((l) => /^\S/.test(l)).length;
    const live = new LiveState();
    live.apply(r.events);
    expect(live.take().flames[0].total).toBe(samples);
  });

  it('makes one map per event when a file holds several', () => {
    const r = parsePerfScript(fixture('perf-script-two-events.txt'));
    expect(r.problems).toEqual([]);
    const maps = mapEvents(r.events);
    expect(maps.map((m) => m.name).sort()).toEqual(['@cpu_clock', '@sched_sched_switch']);
    expect(perfEventMapName('cycles:u')).toBe('@cycles');
  });

  it('reports unknown event lines and unreadable blocks with their line numbers, skips them, keeps the rest', () => {
    const good = PERF.split('\n\n').slice(0, 3).join('\n\n');
    const text = [
      good,
      '',
      'this is not a perf header at all',
      '\tffffffff821f4dab pv_native_safe_halt+0xb ([kernel.kallsyms])',
      '',
      'bash  1234 [001] 12360.5: 1 cpu-clock:',
      '\tffffffff821f4dab pv_native_safe_halt+0xb ([kernel.kallsyms])',
      '\t<garbage frame>',
      '\tffffffff821f68b5 default_idle+0x5 ([kernel.kallsyms])',
      '',
    ].join('\n');
    const lines = text.split('\n');
    const r = parsePerfScript(text, { weight: 'samples' });
    expect(r.problems).toHaveLength(2);
    expect(lines[r.problems[0].line - 1]).toBe('this is not a perf header at all');
    expect(r.problems[0].reason).toMatch(/not a perf script sample header/);
    expect(lines[r.problems[1].line - 1]).toBe('\t<garbage frame>');
    const tree = treeToFolded(foldEvent(mapEvents(r.events)[0]));
    // 3 good samples + the bash one (with its readable frames); the skipped block adds nothing.
    expect([...tree.values()].reduce((a, b) => a + b, 0)).toBe(4);
    expect(tree.get('bash;default_idle;pv_native_safe_halt')).toBe(1);
  });
});
