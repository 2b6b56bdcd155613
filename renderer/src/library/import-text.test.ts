import { describe, expect, it } from 'vitest';
import perfCpp from '../../../test/fixtures/interop/perf-cpp.txt?raw';
import perfNoCallgraph from '../../../test/fixtures/interop/perf-cpp-no-callgraph.txt?raw';
import perfCpuPeriod from '../../../test/fixtures/interop/perf-faults-cpu-period.txt?raw';
import perfNoTime from '../../../test/fixtures/interop/perf-faults-no-time.txt?raw';
import perfTidPeriod from '../../../test/fixtures/interop/perf-faults-tid-period.txt?raw';
import foldedA from '../../../test/fixtures/interop/flamegraph/profile-a.folded?raw';
import { decodeFileText, fileProblem, guessFormat, textProblem } from './import-text.js';

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
  it('guesses perf script in every header shape made on this machine (no time, no period, no call graphs)', () => {
    const perf = { perfNoTime, perfTidPeriod, perfCpuPeriod, perfNoCallgraph, perfCpp };
    for (const [name, text] of Object.entries(perf)) expect([name, guessFormat(text)]).toEqual([name, 'perf']);
    expect(guessFormat(foldedA)).toBe('folded');
  });
  it('reads files by their byte-order mark (UTF-16 LE/BE, UTF-8 with or without)', () => {
    const text = 'main;données 5\nmain;読む 3\nmain;😀 1\n';
    const units = [0xfeff, ...Array.from({ length: text.length }, (_, i) => text.charCodeAt(i))];
    const le = new Uint8Array(units.flatMap((u) => [u & 0xff, u >> 8]));
    const be = new Uint8Array(units.flatMap((u) => [u >> 8, u & 0xff]));
    const utf8 = new TextEncoder().encode(text);
    expect(decodeFileText(le)).toBe(text);
    expect(decodeFileText(be)).toBe(text);
    expect(decodeFileText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toBe(text);
    expect(decodeFileText(utf8)).toBe(text);
  });
});
