import { describe, expect, it } from 'vitest';
import { bpftraceArgv } from './argv.js';

describe('bpftraceArgv', () => {
  it('puts positional arguments after --, so "-o FILE" or "-c CMD" stay arguments', () => {
    expect(bpftraceArgv({ format: 'json', unsafe: false, args: ['-o', '/etc/passwd', '-c', 'id'] }, { inline: 'BEGIN {}' })).toEqual(['-f', 'json', '-e', 'BEGIN {}', '--', '-o', '/etc/passwd', '-c', 'id']);
    expect(bpftraceArgv({ format: 'text', unsafe: false, args: ['--unsafe'] }, { file: '/tmp/d/script.bt' })).toEqual(['--', '/tmp/d/script.bt', '--unsafe']);
  });
  it('passes --unsafe only when asked', () => {
    expect(bpftraceArgv({ format: 'json', unsafe: true, args: [] }, { inline: 'x' })).toEqual(['-f', 'json', '--unsafe', '-e', 'x', '--']);
  });
});

describe('bpftraceArgv run options', () => {
  it('passes -p PID and -c CMD as options, before the script and its --', () => {
    expect(bpftraceArgv({ format: 'json', unsafe: false, args: ['x'], pid: 42, command: 'sleep 1' }, { inline: 'BEGIN {}' })).toEqual([
      '-f',
      'json',
      '-p',
      '42',
      '-c',
      'sleep 1',
      '-e',
      'BEGIN {}',
      '--',
      'x',
    ]);
  });
});
