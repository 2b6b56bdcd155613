import { describe, expect, it } from 'vitest';
import { fileProblem, guessFormat, textProblem } from './import-text.js';

describe('import checks', () => {
  it('refuses files over the cap with a pointer to the CLI', () => {
    expect(fileProblem('a.folded', 1000)).toBeNull();
    expect(fileProblem('a.folded', 0)).toBe('a.folded is empty.');
    const big = fileProblem('big.folded', 35_000_000)!;
    expect(big).toContain('35.0 MB');
    expect(big).toContain('kscope import');
  });
  it('refuses empty or oversized text', () => {
    expect(textProblem('  \n')).toMatch(/Paste or open/);
    expect(textProblem('x'.repeat(3_000_001))).toContain('kscope import');
    expect(textProblem('main;f 3')).toBeNull();
  });
  it('guesses the format', () => {
    expect(guessFormat('main;work 10\nmain;idle 3\n')).toBe('folded');
    expect(guessFormat('@bytes:\n[0]   1 |@@@@ |\n[1]   3 |@@@@@@@@@@|\n')).toBe('bpftrace-text');
    expect(guessFormat('@[bash]: 12\n@[sshd]: 3\n')).toBe('bpftrace-text');
    expect(guessFormat('swapper     0 [000] 12345.678901: 10101010 cpu-clock:\n\tffffffff8100 native_safe_halt+0xe ([kernel.kallsyms])\n')).toBe('perf');
    expect(guessFormat('hello')).toBeNull();
  });
});
