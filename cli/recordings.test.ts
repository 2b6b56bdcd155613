// `kscope recordings` called as the CLI would call it, over hand-made recordings.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingsCommand } from './recordings.js';
import { formatBytes } from '../common/format/bytes.js';
import { formatSpan } from '../common/format/span.js';
import { header, tmpDirs, writeRec } from '../test/support/recordings.js';

async function run(argv: string[], dir: string, settingsPath: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await recordingsCommand(argv, { dir, settingsPath, out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe('kscope recordings', () => {
  const { dir, settings } = tmpDirs();
  writeRec(dir, 'r-old', header({ startedAt: '2026-03-01T10:00:00.000Z', script: 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }' }), [
    { type: 'map', t: 100, name: '@', entries: [{ key: 'bash', value: 1 }], snapshot: true },
    { type: 'lost', t: 200, events: 12 },
    { type: 'exit', t: 65_100, code: 0, signal: null },
  ]);
  writeRec(dir, 'r-new', header({ startedAt: '2026-03-02T10:00:00.000Z', script: 'profile:hz:99 { @[kstack] = count(); }' }), [{ type: 'printf', t: 5, text: 'x\n' }], '{"ty');
  writeRec(dir, 'r-future', { ...header({ startedAt: '2026-02-01T00:00:00.000Z' }), format: 7 }, []);

  it('prints a table, newest first, with how each run ended', async () => {
    const { code, out, err } = await run([], dir, settings);
    expect(code).toBe(0);
    expect(out[0].split(/\s{2,}/)).toEqual(['ID', 'NAME', 'STARTED (UTC)', 'DURATION', 'EVENTS', 'LOST', 'END', 'SIZE']);
    expect(out.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['r-new', 'r-old', 'r-future']);
    expect(out[1]).toMatch(/profile:hz:99 .* 2026-03-02 10:00:00 .* interrupted /);
    expect(out[2]).toMatch(/2026-03-01 10:00:00\s+1 m 05 s\s+2\s+12\s+exit 0\s+\d+ B$/);
    expect(out[3]).toMatch(/unreadable/);
    expect(err.join('\n')).toMatch(/3 recordings · .* of 2.0 GiB cap/);
  });

  it('--json gives the same list as the app, and a query filters', async () => {
    const all = await run(['--json'], dir, settings);
    const parsed = JSON.parse(all.out.join('\n')) as { items: { id: string }[]; dir: string };
    expect(parsed.items.map((s) => s.id)).toEqual(['r-new', 'r-old', 'r-future']);
    expect(parsed.dir).toBe(dir);
    const q = await run(['--json', 'openat'], dir, settings);
    expect((JSON.parse(q.out.join('\n')) as { items: { id: string }[] }).items.map((s) => s.id)).toEqual(['r-old']);
    const none = await run(['nothing-matches-this'], dir, settings);
    expect(none.code).toBe(1);
    expect(none.err.join('')).toMatch(/no recordings match/);
  });

  it('an empty or missing folder is not an error; a bad flag is', async () => {
    const empty = path.join(fs.mkdtempSync(path.join(tmpDirs().root, 'x')), 'none');
    const r = await run([], empty, settings);
    expect(r.code).toBe(0);
    expect(r.err.join('')).toMatch(/no recordings yet/);
    expect((await run(['--nope'], dir, settings)).code).toBe(2);
  });

  it('formats sizes and durations for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GiB');
    expect(formatSpan(1234)).toBe('1.2 s');
    expect(formatSpan(3_725_000)).toBe('1 h 02 m');
  });
});
