import { describe, expect, it } from 'vitest';
import { bpftraceArgv } from './bpftrace-argv.js';

describe('bpftraceArgv', () => {
  it('puts positional arguments after --, so "-o FILE" or "-c CMD" stay arguments', () => {
    expect(bpftraceArgv({ format: 'json', unsafe: false, args: ['-o', '/etc/passwd', '-c', 'id'] }, { inline: 'BEGIN {}' })).toEqual(['-f', 'json', '-e', 'BEGIN {}', '--', '-o', '/etc/passwd', '-c', 'id']);
    expect(bpftraceArgv({ format: 'text', unsafe: false, args: ['--unsafe'] }, { file: '/tmp/d/script.bt' })).toEqual(['--', '/tmp/d/script.bt', '--unsafe']);
  });
  it('passes --unsafe only when asked', () => {
    expect(bpftraceArgv({ format: 'json', unsafe: true, args: [] }, { inline: 'x' })).toEqual(['-f', 'json', '--unsafe', '-e', 'x', '--']);
  });
});
