import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceEvent } from '../../common/contract/index.js';
import { StderrDecoder, parseErrorText } from './decode-stderr.js';

const FIX = path.resolve(__dirname, '../../test/fixtures');
const read = (rel: string) => fs.readFileSync(path.join(FIX, rel), 'utf8');
const v17 = (name: string) => parseErrorText(read(`bpftrace-0.17/${name}.stderr.txt`));
const MEMLOCK = {
  type: 'warning',
  message: expect.stringContaining("couldn't set RLIMIT_MEMLOCK"),
};

describe('parseErrorText on bpftrace 0.17 fixtures', () => {
  it('a successful run: the RLIMIT_MEMLOCK "ERROR" is only a warning', () => {
    expect(v17('printf')).toEqual([{ ...MEMLOCK, message: expect.stringMatching(/^Unknown error -1: couldn't set RLIMIT_MEMLOCK/) }]);
  });

  it('syntax error at end of file: line, columns, source and (blank) marker in detail', () => {
    const [, err] = v17('syntax-error');
    expect(err).toEqual({
      type: 'error',
      message: 'syntax error, unexpected end of file, expecting }',
      line: 1,
      column: 21,
      endColumn: 21,
      detail: 'BEGIN { printf("x") \n                    ',
    });
  });

  it('syntax error on a later line', () => {
    expect(v17('syntax-error-multiline')[1]).toMatchObject({ type: 'error', message: 'syntax error, unexpected }', line: 4, column: 1, endColumn: 2, detail: '}\n~' });
  });

  it('unknown function', () => {
    expect(v17('unknown-function')[1]).toEqual({
      type: 'error',
      message: 'Unknown function: foo',
      line: 1,
      column: 14,
      endColumn: 17,
      detail: 'BEGIN { @x = foo(1); $y = bar(); }\n             ~~~',
    });
  });

  it('several semantic errors give several events', () => {
    const evs = v17('multi-error');
    expect(evs.map((e) => [e.type, e.line, e.column, e.endColumn])).toEqual([
      ['warning', undefined, undefined, undefined],
      ['error', 1, 9, 23],
      ['error', 1, 33, 42],
    ]);
    expect(evs[1].message).toBe('printf: Not enough arguments for format string (0 supplied, 1 expected)');
    expect(evs[2].message).toBe('hist() only supports integer arguments (string provided)');
    expect((evs[2] as { detail?: string }).detail?.split('\n')[1]).toBe(' '.repeat(32) + '~'.repeat(9));
  });

  it('kprobe attach failure: located warning, then error with the create_probe_event line as detail', () => {
    const evs = v17('kprobe-error');
    expect(evs).toHaveLength(3);
    expect(evs[1]).toEqual({
      type: 'warning',
      message: 'vfs_read is not traceable (either non-existing, inlined, or marked as "notrace"); attaching to it will likely fail',
      line: 1,
      column: 1,
      endColumn: 16,
    });
    expect(evs[2]).toEqual({
      type: 'error',
      message: "Error attaching probe: 'kprobe:vfs_read'",
      detail: 'create_probe_event: open(/sys/kernel/tracing/kprobe_events): No such file or directory',
    });
  });

  it('kfunc not available', () => {
    expect(v17('kfunc-error')[1]).toMatchObject({ type: 'error', message: 'kfunc/kretfunc not available for your kernel version.', line: 1, column: 1, endColumn: 15 });
  });

  it('hardware: perf_event_open line is detail of the attach error', () => {
    expect(v17('hardware-error')[1]).toEqual({
      type: 'error',
      message: 'Error attaching probe: hardware:cache-misses:1000',
      detail: 'perf_event_open failed: No such file or directory',
    });
  });

  it('clang header errors are detail of the ERROR that follows', () => {
    const evs = v17('include-error');
    expect(evs).toHaveLength(2);
    const err = evs[1] as { message: string; detail?: string };
    expect(err.message).toBe('Include headers with missing type definitions or install BTF information to your system.');
    expect(err.detail).toMatch(/^\/usr\/include\/linux\/sched\.h:93:2: error: unknown type name '__aligned_u64'/);
  });
});

describe('newer bpftrace stderr forms', () => {
  it('0.27: several errors, each with its source line and marker', () => {
    const errs = parseErrorText(read('bpftrace-0.27/unknown-function.stderr.txt')).filter((d) => d.type === 'error');
    expect(errs).toEqual([
      { type: 'error', message: "Unknown function: 'foo'", line: 1, column: 14, endColumn: 20, detail: 'BEGIN { @x = foo(1); $y = bar(); }\n             ~~~~~~' },
      { type: 'error', message: "Unknown function: 'bar'", line: 1, column: 27, endColumn: 32, detail: 'BEGIN { @x = foo(1); $y = bar(); }\n                          ~~~~~' },
    ]);
  });

  it('0.27 on a terminal: colour codes and CRLF are stripped', () => {
    const errs = parseErrorText(read('bpftrace-0.27/colour.stderr.txt')).filter((d) => d.type === 'error');
    expect(errs).toEqual([{ type: 'error', message: "Unknown function: 'foo'", line: 1, column: 9, endColumn: 14, detail: 'BEGIN { foo(); }\n        ~~~~~' }]);
  });

  it('HINT lines go to the detail; L1-L2 ranges give the first line', () => {
    // Forms from bpftrace's src/log.cpp that these runs did not print.
    const text = "stdin:1:9-12: ERROR: Unknown function: 'foo'\nbegin { foo(); }\n        ~~~\nHINT: Did you mean 'for'?\nstdin:2-4: ERROR: Multi-line block has a problem\n";
    expect(parseErrorText(text)).toEqual([
      { type: 'error', message: "Unknown function: 'foo'", line: 1, column: 9, endColumn: 12, detail: "begin { foo(); }\n        ~~~\nHINT: Did you mean 'for'?" },
      { type: 'error', message: 'Multi-line block has a problem', line: 2 },
    ]);
    expect(parseErrorText('/tmp/x.bt:3:5: WARNING: a warning with a path and one column\nstdin:7: ERROR: a line-only location\n')).toEqual([
      { type: 'warning', message: 'a warning with a path and one column', line: 3, column: 5 },
      { type: 'error', message: 'a line-only location', line: 7 },
    ]);
  });

  it('stray text with no diagnostic is kept as a warning', () => {
    expect(parseErrorText('something odd\n')).toEqual([{ type: 'warning', message: 'something odd' }]);
    expect(parseErrorText('')).toEqual([]);
  });
});

describe('StderrDecoder streaming', () => {
  it('emits a block when the next one starts, the last one on flush; chunks may split lines', () => {
    const text = read('bpftrace-0.17/multi-error.stderr.txt');
    const d = new StderrDecoder();
    const got: TraceEvent[] = [];
    for (let i = 0; i < text.length; i += 5) got.push(...d.push(text.slice(i, i + 5), i));
    expect(got.map((e) => e.type)).toEqual(['warning', 'error']);
    got.push(...d.flush(999));
    expect(got.map((e) => e.type)).toEqual(['warning', 'error', 'error']);
    expect(got[2].t).toBe(999);
    for (const e of got) expect(() => TraceEvent.parse(e)).not.toThrow();
    expect(d.flush(1000)).toEqual([]);
  });
});

describe('unreadable stacks (get_stackid failed on the BPF side)', () => {
  it('are one explained warning per stack id, in both versions\' wording, not errors', () => {
    const text = [
      'ERROR: failed to look up stack id -17 (pid -1): -2',
      'ERROR: failed to look up stack id -17 (pid 1609070): -2',
      'ERROR: failed to look up stack id: -12 stack length: 0 (pid 12): No such file or directory',
      'ERROR: failed to look up stack id -17 (pid 3): -2',
      '',
    ].join('\n');
    const d = parseErrorText(text);
    expect(d.map((x) => x.type)).toEqual(['warning', 'warning']);
    expect(d[0].message).toMatch(/stack id -17, EEXIST.*empty stack/);
    expect(d[1].message).toMatch(/stack id -12, ENOMEM/);
  });

  it('a real error after them is still an error', () => {
    const d = parseErrorText('ERROR: failed to look up stack id -17 (pid -1): -2\nERROR: Could not resolve symbol: /bin/x:foo\n');
    expect(d.map((x) => x.type)).toEqual(['warning', 'error']);
  });
});
