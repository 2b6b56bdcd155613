// A write that fails part way (the disk filled): the recording keeps only whole lines, and
// the message the user gets says what happened and what is left. (The real thing, with
// bpftrace and a full tmpfs, is node/recordings/disk-full.runtime.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRecording, recordingFailureMessage, RecordingWriter } from './writer.js';

afterEach(() => vi.restoreAllMocks());

describe('recording failures', () => {
  it('a write cut short by ENOSPC leaves the file ending with its last whole line', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-fail-')), 'r.ndjson');
    const w = new RecordingWriter(file, { type: 'header', format: 1, script: 'BEGIN {}', options: {}, bpftraceVersion: null, kernelRelease: 'k', startedAt: new Date(0).toISOString() });
    w.append([{ type: 'printf', t: 1, text: 'first\n' }]);
    const real = fs.writeSync;
    // The next write gets 1.5 lines onto the disk, then the disk is full.
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, buf: Buffer, off: number) => {
      if (off === 0) {
        const firstNl = buf.indexOf(10);
        return real(fd, buf, 0, firstNl + 1 + 10);
      }
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as typeof fs.writeSync);
    w.append([{ type: 'printf', t: 2, text: 'second\n' }, { type: 'printf', t: 3, text: 'third\n' }]);
    vi.restoreAllMocks();
    expect(w.failure).toMatch(/ENOSPC/);
    w.append([{ type: 'printf', t: 4, text: 'after\n' }]); // closed: ignored
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const r = parseRecording(text);
    expect(r).toMatchObject({ torn: false, invalid: [] });
    expect(r.events.map((e) => (e.type === 'printf' ? e.text : e.type))).toEqual(['first\n', 'second\n']);
    expect(w.bytes).toBe(Buffer.byteLength(text));
  });

  it('tells the user what failed and that the recording is good up to its last line', () => {
    expect(recordingFailureMessage('ENOSPC: no space left on device, write', '/r.ndjson')).toBe(
      'Recording stopped: the disk is full (ENOSPC: no space left on device, write). bpftrace was stopped so nothing goes unrecorded; the recording /r.ndjson is valid up to its last line.',
    );
    expect(recordingFailureMessage('EDQUOT: disk quota exceeded, write', null)).toMatch(/^Recording stopped: the disk quota is exceeded .* the recording is valid/);
    expect(recordingFailureMessage('EIO: i/o error, write', '/r')).toMatch(/writing the recording failed \(EIO/);
  });
});
