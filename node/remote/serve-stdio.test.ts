import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { channelClient, MAX_MESSAGE_BYTES, type SessionUpdate } from '../../common/contract/index.js';
import { createBackend } from '../backend.js';
import { LineReader, lineChannel } from './line-channel.js';
import { incompleteUtf8Tail, readTail } from './recording-tail.js';
import { serveStdio } from './serve-stdio.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-stdio-'));
  dirs.push(d);
  return d;
};

/** The far side's stdin/stdout as two in-process pipes, served by a real backend. */
function stdioPair(idleMs = 0) {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const backend = createBackend({ recordingsDir: tmp(), cacheDir: null });
  const updates = new Set<(u: SessionUpdate) => void>();
  let shutdowns = 0;
  const done = serveStdio({
    input: toServer,
    output: fromServer,
    impl: backend.impl,
    events: {
      session: (l) => {
        updates.add(l);
        return () => updates.delete(l);
      },
    },
    shutdown: async () => {
      shutdowns++;
      await backend.shutdown();
    },
    idleMs,
  });
  const reader = new LineReader(fromServer);
  const channel = lineChannel(reader, toServer);
  const invalid: string[] = [];
  const client = channelClient(channel, (w) => invalid.push(w));
  return { toServer, fromServer, client, channel, done, invalid, emit: (u: SessionUpdate) => updates.forEach((l) => l(u)), shutdowns: () => shutdowns };
}

/** Replies to raw lines written to the server (bypassing the client's own validation). */
function rawReplies(p: ReturnType<typeof stdioPair>) {
  const got: unknown[] = [];
  p.channel.onMessage((t) => got.push(JSON.parse(t)));
  return got;
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('kscope serve --stdio: the contract over a line-delimited pipe pair', () => {
  it('answers a call with the validated result', async () => {
    const p = stdioPair();
    const v = await p.client.version();
    expect(v.kscope).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.kernelRelease).toBe(os.release());
    p.toServer.end();
    expect(await p.done).toMatch(/end/);
  });

  it('refuses bad params and unknown methods without reaching the engine', async () => {
    const p = stdioPair();
    const got = rawReplies(p);
    p.toServer.write(JSON.stringify({ kind: 'call', id: 7, method: 'run', params: { source: 'BEGIN{}', options: { flags: '--unsafe' } } }) + '\n');
    p.toServer.write(JSON.stringify({ kind: 'call', id: 8, method: 'constructor' }) + '\n');
    p.toServer.write('{nope\n');
    await until(() => got.length === 3);
    // Replies come as each call completes, not in order.
    expect(got).toHaveLength(3);
    expect(got).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: 7, ok: false, error: expect.objectContaining({ code: 'bad-params' }) }),
      expect.objectContaining({ id: 8, ok: false, error: expect.objectContaining({ code: 'unknown-method' }) }),
      expect.objectContaining({ id: null, ok: false, error: expect.objectContaining({ message: 'message is not valid JSON' }) }),
    ]));
    expect(await p.client.sessions()).toEqual([]);
    p.toServer.end();
    await p.done;
  });

  it('refuses a line beyond the message limit without buffering it, then goes on', async () => {
    const p = stdioPair();
    const got = rawReplies(p);
    // Written in pieces, as a pipe delivers it.
    const piece = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 5; i++) p.toServer.write(piece);
    p.toServer.write('\n');
    await until(() => got.length === 1);
    expect(got[0]).toMatchObject({ ok: false, error: { code: 'bad-message', message: expect.stringContaining('too large') } });
    expect(MAX_MESSAGE_BYTES).toBeLessThan(5 * piece.length);
    expect((await p.client.version()).node).toBe(process.versions.node);
    p.toServer.end();
    await p.done;
  });

  it('sends events validated, and drops an invalid one', async () => {
    const p = stdioPair();
    await p.client.version(); // connected
    const seen: SessionUpdate[] = [];
    p.client.on('session', (u) => seen.push(u));
    const status = { state: 'running' as const, startedAt: new Date(0).toISOString(), elapsedMs: 1, attachedProbes: 1, events: 1, printfLines: 1, lostEvents: 0, exit: null };
    const u: SessionUpdate = { sessionId: 's1', seq: 0, status, flames: [], printf: [{ t: 1, text: 'hi\n' }], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] };
    p.emit({ ...u, seq: 'bad' } as never);
    p.emit(u);
    await until(() => seen.length === 1);
    expect(seen).toEqual([u]);
    expect(p.invalid).toEqual([]);
    p.toServer.end();
    await p.done;
  });

  it('stops every run when the peer goes away (stdin ends)', async () => {
    const p = stdioPair();
    await p.client.version();
    p.toServer.end();
    expect(await p.done).toMatch(/end of stream|closed/);
    expect(p.shutdowns()).toBe(1);
  });

  it('gives up on a silent peer after idleMs (a cut link TCP has not noticed)', async () => {
    const p = stdioPair(150);
    await p.client.version();
    expect(await p.done).toMatch(/no message from the peer for 150 ms/);
    expect(p.shutdowns()).toBe(1);
  });
});

describe('recordingTail: a recording read from an offset in whole characters', () => {
  it('never splits a UTF-8 character, and pages through the file byte for byte', () => {
    const f = path.join(tmp(), 'r.ndjson');
    const text = '{"type":"printf","t":1,"text":"é€😀 \\uffffffe2"}\n'.repeat(50);
    fs.writeFileSync(f, text);
    let off = 0;
    let out = '';
    for (let i = 0; i < 10_000; i++) {
      const c = readTail(f, off, 7, true);
      out += c.text;
      off = c.nextOffset;
      if (c.ended) break;
    }
    expect(out).toBe(text);
    expect(off).toBe(Buffer.byteLength(text));
  });

  it('says ended only when the run had exited and the end was reached', () => {
    const f = path.join(tmp(), 'r.ndjson');
    fs.writeFileSync(f, 'abc\n');
    expect(readTail(f, 0, 100, false)).toEqual({ text: 'abc\n', nextOffset: 4, ended: false });
    expect(readTail(f, 0, 2, true)).toEqual({ text: 'ab', nextOffset: 2, ended: false });
    expect(readTail(f, 2, 100, true)).toEqual({ text: 'c\n', nextOffset: 4, ended: true });
    expect(() => readTail(f, 9, 1, true)).toThrow(/past the end/);
  });

  it('counts incomplete trailing sequences', () => {
    const b = Buffer.from('a€');
    expect(incompleteUtf8Tail(b)).toBe(0);
    expect(incompleteUtf8Tail(b.subarray(0, 3))).toBe(2);
    expect(incompleteUtf8Tail(b.subarray(0, 2))).toBe(1);
    expect(incompleteUtf8Tail(Buffer.from('😀').subarray(0, 3))).toBe(3);
  });
});
