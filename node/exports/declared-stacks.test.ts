// Stack maps are recognised from the script's keys, not from how a string looks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapsDeclaredNotStacks } from './declared-stacks.js';
import { ExportError, exportRecording } from './index.js';
import { collector } from '../../test/support/exports.js';
import { RecordingScanner } from '../recordings/scan.js';

const stackLike = '\n        vfs_read+1\n        ksys_read+2\n';

function recording(script: string, options: object = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-declared-'));
  const file = path.join(dir, 'r.ndjson');
  const header = { type: 'header', format: 1, script, options, bpftraceVersion: '0.17.0', kernelRelease: 'k', startedAt: new Date(0).toISOString() };
  const map = (name: string) => ({ type: 'map', t: 1, name, entries: [{ key: stackLike, value: 5 }], snapshot: false });
  fs.writeFileSync(file, [header, map('@names'), map('@s')].map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

describe('stack maps from the script', () => {
  it('reads which maps the script keys without kstack/ustack', () => {
    expect([...mapsDeclaredNotStacks('t:syscalls:sys_enter_openat { @names[str(args->filename)] = count(); } profile:hz:99 { @s[kstack] = count(); $k = ustack; @v[$k] = count(); }')]).toEqual(['@names']);
    expect(mapsDeclaredNotStacks('')).toEqual(new Set());
  });

  it('a string key shaped like a stack is not exported as a stack; the real stack map is', async () => {
    const file = recording('t:syscalls:sys_enter_openat { @names[str(args->filename)] = count(); } profile:hz:99 { @s[kstack] = count(); }');
    const out = collector();
    await exportRecording(file, 'folded', out.stream);
    expect(out.text()).toBe('ksys_read;vfs_read 5\n');
    await expect(exportRecording(file, 'folded', collector().stream, { map: '@names' })).rejects.toThrow(ExportError);
    await expect(exportRecording(file, 'folded', collector().stream, { map: '@names' })).rejects.toThrow(/@names is not a stack map/);
    // The library says the same.
    expect((await new RecordingScanner(false).scanFileAsync(file)).summary().stackMaps).toEqual(['@s']);
  });

  it('an import (no script) is judged by its keys, as before', async () => {
    const file = recording('', { imported: { format: 'folded' } });
    const out = collector();
    await exportRecording(file, 'folded', out.stream);
    expect(out.text()).toBe('@names;ksys_read;vfs_read 5\n@s;ksys_read;vfs_read 5\n');
  });
});
