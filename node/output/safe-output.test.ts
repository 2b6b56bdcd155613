// Outputs written safely: a regular file is replaced atomically (new inode, its mode kept, no
// partial file left); /dev/null, a FIFO and /dev/stdout are written in place and are still what
// they were afterwards (stat before/after). This test touches nothing in /dev but writing to
// /dev/null and /dev/stdout, as any shell redirection does.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand, diffCommand, type CliIo } from '../../cli/export.js';
import { bundleCli } from '../../test/support/runtime.js';
import { collector, lastStackMap, oracleFolded, REC_A, REC_B } from '../../test/support/exports.js';
import { parseFoldedText } from '../exports/diff.js';
import { writeRecordingTo } from '../imports/index.js';
import { parseRecording } from '../recordings/writer.js';
import { chooseWriteMode, factsOf } from './write-mode.js';
import { openOutput, openOutputSync } from './safe-output.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-output-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function quietIo(): CliIo & { errText: () => string } {
  const out = collector();
  const err = collector();
  return { stdout: out.stream as unknown as CliIo['stdout'], stderr: err.stream, errText: () => err.text() };
}

/** What must not change about a special file: its type, device numbers, inode and mode. */
function identity(p: string) {
  const s = fs.statSync(p);
  return { char: s.isCharacterDevice(), fifo: s.isFIFO(), file: s.isFile(), rdev: s.rdev, ino: s.ino, dev: s.dev, mode: s.mode };
}

const leftovers = () => fs.readdirSync(dir).filter((n) => n.endsWith('.partial'));

describe('chooseWriteMode (pure)', () => {
  const st = (k: 'file' | 'dir' | 'link' | 'other') => ({ isFile: () => k === 'file', isDirectory: () => k === 'dir', isSymbolicLink: () => k === 'link' });
  it.each([
    ['-', null, null, 'stdout'],
    ['out.txt', null, null, 'atomic'],
    ['out.txt', st('file'), null, 'atomic'],
    ['/dev/null', st('other'), null, 'in-place'],
    ['/dev/stdout', st('link'), st('other'), 'stdout'],
    ['/dev/stderr', st('link'), st('other'), 'stderr'],
    ['/dev/fd/63', st('link'), st('other'), 'in-place'],
    ['link-to-file', st('link'), st('file'), 'in-place'],
    ['dangling', st('link'), null, 'in-place'],
    ['folder', st('dir'), null, 'refuse'],
    ['link-to-folder', st('link'), st('dir'), 'refuse'],
  ] as const)('%s → %s', (name, l, s, mode) => {
    expect(chooseWriteMode(name, factsOf(l, s)).mode).toBe(mode);
  });
});

describe('writing a user-named path', () => {
  it('replaces a regular file atomically: a new inode, the old mode kept, nothing partial left', async () => {
    const out = path.join(dir, 'a.folded');
    fs.writeFileSync(out, 'old\n', { mode: 0o640 });
    fs.chmodSync(out, 0o640);
    const before = fs.statSync(out);
    expect(await exportCommand([REC_B, '--format', 'folded', '--output', out], quietIo())).toBe(0);
    const after = fs.statSync(out);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o640);
    expect(parseFoldedText(fs.readFileSync(out, 'utf8')).stacks).toEqual(oracleFolded(lastStackMap(fs.readFileSync(REC_B, 'utf8'))));
    expect(leftovers()).toEqual([]);
  });

  it('a failed write leaves the old file untouched and no partial file', async () => {
    const out = path.join(dir, 'keep.txt');
    fs.writeFileSync(out, 'precious\n');
    const o = await openOutput(out);
    o.stream.write('half of something');
    await o.abort();
    expect(fs.readFileSync(out, 'utf8')).toBe('precious\n');
    expect(leftovers()).toEqual([]);
  });

  it('writes /dev/null in place: still the same character device afterwards', async () => {
    const before = identity('/dev/null');
    expect(before.char).toBe(true);
    const t = quietIo();
    expect(await exportCommand([REC_A, '--format', 'folded', '--output', '/dev/null'], t)).toBe(0);
    expect(await diffCommand([REC_A, REC_B, '--format', 'folded', '--output', '/dev/null'], quietIo())).toBe(0);
    const rec = parseRecording(fs.readFileSync(REC_A, 'utf8'));
    writeRecordingTo('/dev/null', rec.header, rec.events);
    expect(identity('/dev/null')).toEqual(before);
    expect(fs.lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('writes a FIFO in place: the reader gets every byte, the FIFO stays a FIFO', async () => {
    const fifo = path.join(dir, 'pipe');
    const r = spawnSync('mkfifo', [fifo]);
    expect(r.status, String(r.stderr)).toBe(0);
    const before = identity(fifo);
    expect(before.fifo).toBe(true);
    // The reader: a separate process, as a user's `cat pipe` would be.
    const cat = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    cat.stdout.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<number | null>((resolve) => cat.on('close', resolve));
    expect(await exportCommand([REC_B, '--format', 'folded', '--output', fifo], quietIo())).toBe(0);
    expect(await done).toBe(0);
    expect(parseFoldedText(Buffer.concat(chunks).toString('utf8')).stacks).toEqual(oracleFolded(lastStackMap(fs.readFileSync(REC_B, 'utf8'))));
    expect(identity(fifo)).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it('writes through a symlink in place: the link stays a link, its file gets the bytes', () => {
    const target = path.join(dir, 'real.ndjson');
    const link = path.join(dir, 'link.ndjson');
    fs.writeFileSync(target, '');
    fs.symlinkSync(target, link);
    const rec = parseRecording(fs.readFileSync(REC_A, 'utf8'));
    writeRecordingTo(link, rec.header, rec.events);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(parseRecording(fs.readFileSync(target, 'utf8')).events.length).toBe(rec.events.length);
  });

  it('refuses a folder with a message', async () => {
    expect(() => openOutputSync(dir)).toThrow(/a folder/);
    const t = quietIo();
    expect(await exportCommand([REC_A, '--format', 'folded', '--output', dir], t)).toBe(1);
    expect(t.errText()).toMatch(/a folder/);
  });

  describe('/dev/stdout and - from the real CLI', () => {
    let cli: string;
    beforeAll(async () => {
      cli = path.join(dir, 'cli.cjs');
      await bundleCli(cli);
    }, 60_000);

    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const p = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (c) => (out += c));
        p.stderr.on('data', (c) => (err += c));
        p.on('close', (code) => resolve({ code, out, err }));
      });

    it.each(['/dev/stdout', '-'])('export --output %s writes to the pipe; /dev/stdout stays a symlink, /dev/null a device', async (target) => {
      const linkBefore = fs.lstatSync('/dev/stdout');
      const nullBefore = identity('/dev/null');
      const r = await run(['export', REC_B, '--format', 'folded', '--output', target]);
      expect(r.err).not.toMatch(/ {4}at /);
      expect(r.code).toBe(0);
      expect(parseFoldedText(r.out).stacks).toEqual(oracleFolded(lastStackMap(fs.readFileSync(REC_B, 'utf8'))));
      expect(fs.lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
      expect(fs.lstatSync('/dev/stdout').ino).toBe(linkBefore.ino);
      expect(identity('/dev/null')).toEqual(nullBefore);
    });
  });
});
