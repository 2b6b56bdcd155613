import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, profileProblem, profileScript } from './script.js';

describe('the Profile CPU script', () => {
  it('profiles every CPU with both stacks, grouped by comm, by default', () => {
    expect(profileScript(DEFAULT_PROFILE)).toMatch(/^profile:hz:99 \{ @\[kstack, ustack, comm\] = count\(\); \}$/m);
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
