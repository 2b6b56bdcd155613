import { describe, expect, it } from 'vitest';
import { formatCapabilities } from './capabilities.js';

describe('kscope capabilities output', () => {
  it('lists the basics first, then probe types, with evidence and the alternative for what is missing', () => {
    const text = formatCapabilities({
      'probe:kprobe': { available: false, reason: 'the kernel was built without CONFIG_KPROBES', evidence: ['# CONFIG_KPROBES is not set'], remedy: null, alternative: 'Use tracepoints' },
      bpftrace: { available: true, reason: 'bpftrace 0.17.0', evidence: [], remedy: null },
      'probe:tracepoint': { available: true, reason: 'ok', evidence: [], remedy: null },
    });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^yes\s+bpftrace\s+bpftrace 0\.17\.0$/);
    expect(text).toMatch(/NO\s+probe:kprobe\s+the kernel was built without CONFIG_KPROBES/);
    expect(text).toMatch(/evidence: # CONFIG_KPROBES is not set/);
    expect(text).toMatch(/instead:\s+Use tracepoints/);
  });
});
