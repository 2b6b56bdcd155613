import { describe, expect, it } from 'vitest';
import { findProbeSpecs } from './probe-specs.js';

describe('finding the probe specs of a script', () => {
  it('finds each attach point with its position and type', () => {
    const src = `// count\nkprobe:vfs_read,\n  kr:vfs_read /pid == 1/ { @[comm] = count(); }\ntracepoint:syscalls:sys_enter_* { printf("kprobe:x\\n"); }\nBEGIN { @start = nsecs; }`;
    const specs = findProbeSpecs(src);
    expect(specs.map((s) => [s.spec, s.type, s.line, s.column])).toEqual([
      ['kprobe:vfs_read', 'kprobe', 2, 1],
      ['kr:vfs_read', 'kretprobe', 3, 3],
      ['tracepoint:syscalls:sys_enter_*', 'tracepoint', 4, 1],
      ['BEGIN', 'BEGIN', 5, 1],
    ]);
    expect(specs[0].endColumn).toBe(16);
  });
  it('ignores what is inside actions, strings, comments and #include lines', () => {
    expect(findProbeSpecs('#include <linux/path.h>\n/* kprobe:x */ uprobe:/bin/bash:readline { $x = kprobe; }').map((s) => s.spec)).toEqual(['uprobe:/bin/bash:readline']);
  });
});
