// A disk that fills during a run, for real: the recordings folder is a 64 KiB tmpfs and a
// chatty script writes into it. bpftrace must be stopped cleanly, the user told, the live
// view must keep going (the final maps still arrive), and the recording must be valid up
// to its last line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecording } from './writer.js';
import { childrenOf, runToEnd } from '../../test/support/runtime.js';
import { Engine } from '../engine/sessions.js';
import { RecordingsLibrary } from './library.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace, mount)' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping the disk-full runtime test: ${why}`);

describe.skipIf(why !== null)('a disk that fills during a run', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-full-'));
  const mnt = path.join(root, 'mnt');
  let mounted = false;
  afterAll(() => {
    if (mounted) execFileSync('umount', [mnt]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('stops bpftrace, says the disk is full, keeps the live view going, leaves a valid recording', async () => {
    fs.mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    mounted = true;
    const engine = new Engine({ kscopeVersion: 'test', recordingsDir: mnt, capabilities: () => ({}), deadlines: { sigintMs: 5000, sigtermMs: 2000 } });
    const line = 'x'.repeat(100);
    const script = `interval:ms:1 { @n = count(); printf("${line} %d\\n", nsecs); }`;
    let sawBpftrace = false;
    // durationSec is only a guard so a broken engine cannot hang the test.
    const r = await runToEnd(engine, script, { snapshotMs: 100, durationSec: 30 }, () => {
      const poll = setInterval(() => {
        if (childrenOf(process.pid).some((c) => c.comm === 'bpftrace' || c.comm === 'setpriv')) sawBpftrace = true;
      }, 20);
      return () => clearInterval(poll);
    });
    expect(sawBpftrace).toBe(true);
    expect(childrenOf(process.pid).filter((c) => c.comm === 'bpftrace' || c.comm === 'setpriv')).toEqual([]);

    const errAt = r.updates.findIndex((u) => u.errors.some((e) => /disk is full/.test(e.message)));
    expect(errAt, 'an update carried the disk-full error').toBeGreaterThanOrEqual(0);
    const err = r.updates[errAt].errors.find((e) => /disk is full/.test(e.message))!;
    expect(err.message).toMatch(/ENOSPC/);
    expect(err.message).toContain('valid up to its last line');
    expect(r.session.errors.map((e) => e.message)).toContain(err.message);
    // bpftrace was stopped with SIGINT (not killed) and the live view got what it printed after.
    const last = r.updates[r.updates.length - 1];
    expect(last.status.state).toBe('exited');
    expect(last.status.exit).toEqual({ code: 0, signal: null, result: 'final' }); // its final print came
    expect(r.updates.slice(errAt + 1).some((u) => u.maps.some((m) => m.name === '@n'))).toBe(true);
    expect(last.status.printfLines).toBeGreaterThan(r.recording.events.filter((e) => e.type === 'printf').length);

    // The file: every line whole, no garbage; it filled the disk.
    const text = fs.readFileSync(r.session.recordingPath!, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const parsed = parseRecording(text);
    expect(parsed).toMatchObject({ torn: false, invalid: [] });
    expect(parsed.events.filter((e) => e.type === 'printf').length).toBeGreaterThan(100);
    expect(fs.statSync(r.session.recordingPath!).size).toBeGreaterThan(48 * 1024);

    // The library lists and opens it (no exit line could be written: it reads as interrupted).
    const lib = new RecordingsLibrary({ dir: mnt, settingsPath: path.join(root, 'settings.json'), checkOtherProcesses: false });
    const id = path.basename(r.session.recordingPath!, '.ndjson');
    const open = await lib.open(id);
    expect(open).toMatchObject({ torn: false, invalidLines: 0 });
    expect(open.summary.printfLines).toBe(parsed.events.filter((e) => e.type === 'printf').length);
  });
});
