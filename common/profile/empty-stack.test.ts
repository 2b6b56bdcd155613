// Empty stacks are drawn: a real CPU profile (profile:hz:99 { @stacks[kstack, comm] = count(); },
// recorded on this machine) has samples taken in user space, printed as keys with an empty
// kstack (",dd"). Folded for the live view and replay, every sample is under a frame.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlameNode } from '../contract/index.js';
import { emptyStackName, EMPTY_STACK, IDLE, NO_USER_STACK, USER_SPACE } from './empty-stack.js';
import { stackMapsInSource } from '../../node/engine/flame-cadence.js';
import { pruneTree, StackFolder } from './stacks.js';

const REC = path.resolve('test/fixtures/exports/profile-a.ndjson');

function lastStacks(): { script: string; entries: { key: string; value: number }[] } {
  const lines = fs.readFileSync(REC, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const maps = lines.filter((l) => l.type === 'map' && l.name === '@stacks');
  return { script: lines[0].script, entries: maps[maps.length - 1].entries };
}

/**
 * Samples that end at the root or at a comm node (no frame at all: blank width in a flame
 * graph). A frame's own samples are real self time; a comm's are not.
 */
function blankUnder(root: FlameNode): { name: string; blank: number }[] {
  const out: { name: string; blank: number }[] = [];
  const self = (n: FlameNode) => n.v - (n.c ?? []).reduce((s, c) => s + c.v, 0);
  if (self(root) > 0) out.push({ name: root.n, blank: self(root) });
  for (const comm of root.c ?? []) if (self(comm) > 0) out.push({ name: comm.n, blank: self(comm) });
  return out;
}

describe('empty stacks in flame graphs', () => {
  it('names the frame from what the key declares', () => {
    expect(emptyStackName(['kstack', 'string'], ['dd'])).toBe(USER_SPACE);
    expect(emptyStackName(['kstack'], [])).toBe(USER_SPACE);
    expect(emptyStackName(['kstack', 'string'], ['swapper/1'])).toBe(IDLE);
    expect(emptyStackName(['kstack', 'number'], ['0'])).toBe(IDLE);
    expect(emptyStackName(['ustack', 'string'], ['kworker/0:1'])).toBe(NO_USER_STACK);
    expect(emptyStackName(['kstack', 'ustack'], [])).toBe(EMPTY_STACK);
    expect(emptyStackName(null, ['dd'])).toBe(EMPTY_STACK);
  });

  it('a real kstack profile: user-space samples get a "[user space]" frame and no width is blank', () => {
    const { script, entries } = lastStacks();
    const declared = stackMapsInSource(script).get('@stacks')!;
    expect(declared).toEqual(['kstack', 'string']);
    const empty = entries.filter((e) => e.key.startsWith(','));
    const emptySamples = empty.reduce((s, e) => s + e.value, 0);
    expect(emptySamples).toBeGreaterThan(0);

    // Without the option (as before): the samples are blank width under their comm.
    const before = pruneTree(new StackFolder().fold(entries), 0).tree;
    expect(blankUnder(before).reduce((s, b) => s + b.blank, 0)).toBe(emptySamples);

    const tree = pruneTree(new StackFolder({ emptyStacks: { keyParts: declared } }).fold(entries), 0).tree;
    expect(tree.v).toBe(entries.reduce((s, e) => s + e.value, 0));
    expect(blankUnder(tree)).toEqual([]);
    // Under each comm that had empty stacks, one "[user space]" frame with exactly those samples.
    for (const e of empty) {
      const comm = tree.c!.find((c) => c.n === e.key.slice(1))!;
      const frame = comm.c!.find((c) => c.n === USER_SPACE)!;
      expect(frame.v).toBe(e.value);
      expect(frame.c ?? []).toEqual([]);
    }
  });

  it('a lone kstack key printed as "" (bpftrace 0.17, sampled in user space) is drawn too', () => {
    // As this machine's bpftrace prints `profile:hz:99 { @[kstack] = count(); }`: most keys are "".
    const entries = [
      { key: '', value: 361 },
      { key: '\n        do_idle+1\n        cpu_startup_entry+29\n', value: 33 },
    ];
    const declared = stackMapsInSource('profile:hz:99 { @[kstack] = count(); }').get('@')!;
    const tree = pruneTree(new StackFolder({ emptyStacks: { keyParts: declared } }).fold(entries), 0).tree;
    expect(tree.v).toBe(394);
    expect(tree.c!.find((c) => c.n === USER_SPACE)!.v).toBe(361);
    // No blank width under the root: its children account for every sample.
    expect(tree.c!.reduce((s, c) => s + c.v, 0)).toBe(tree.v);
  });

  it('an unknown layout (no script) is still drawn, as "[empty stack]"', () => {
    const { entries } = lastStacks();
    const tree = pruneTree(new StackFolder({ emptyStacks: { keyParts: null } }).fold(entries), 0).tree;
    expect(blankUnder(tree)).toEqual([]);
    expect(tree.c!.some((c) => c.c?.some((f) => f.n === EMPTY_STACK))).toBe(true);
  });
});
