import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, defaultStacks, profileProblem, profileScript } from './script.js';

describe('the Profile CPU script', () => {
  it('profiles every CPU with kernel stacks, grouped by comm, by default; user stacks only for a chosen process', () => {
    expect(profileScript(DEFAULT_PROFILE)).toMatch(/^profile:hz:99 \{ @\[kstack, comm\] = count\(\); \}$/m);
    expect(defaultStacks('all')).toBe('kernel');
    expect(defaultStacks('pid')).toBe('both');
    expect(defaultStacks('comm')).toBe('both');
    expect(profileProblem({ ...DEFAULT_PROFILE, stacks: 'both' })).toMatch(/User stacks need a PID or a process name/);
    expect(profileProblem({ ...DEFAULT_PROFILE, stacks: 'user' })).toMatch(/User stacks need/);
    expect(profileScript({ ...DEFAULT_PROFILE, stacks: defaultStacks('pid'), scope: { kind: 'pid', pid: 7 } })).toContain('profile:hz:99 /pid == 7/ { @[kstack, ustack, comm] = count(); }');
  });
  it('filters by pid or comm and picks the stacks', () => {
    expect(profileScript({ ...DEFAULT_PROFILE, stacks: 'kernel', scope: { kind: 'pid', pid: 123 } })).toContain('profile:hz:99 /pid == 123/ { @[kstack, comm] = count(); }');
    expect(profileScript({ ...DEFAULT_PROFILE, hz: 49, stacks: 'user', scope: { kind: 'comm', comm: 'node' } })).toContain('profile:hz:49 /comm == "node"/ { @[ustack, comm] = count(); }');
  });
  it('refuses what bpftrace would not take', () => {
    expect(profileProblem({ ...DEFAULT_PROFILE, hz: 0 })).toMatch(/Frequency/);
    expect(profileProblem({ ...DEFAULT_PROFILE, scope: { kind: 'comm', comm: 'a"b' } })).toMatch(/quotes/);
    expect(profileProblem({ ...DEFAULT_PROFILE, scope: { kind: 'pid', pid: -1 } })).toMatch(/PID/);
    expect(() => profileScript({ ...DEFAULT_PROFILE, durationSec: 0 })).toThrow(/Duration/);
  });
});
