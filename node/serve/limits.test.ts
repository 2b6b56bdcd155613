// The host's limits, proven against a real started host with the `ws` client: where it
// binds, message size, the per-connection rate limit, and the Host/Origin rules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { channelClient, MAX_MESSAGE_BYTES, READY_MESSAGE, type KscopeImpl, type SessionUpdate } from '../../common/contract/index.js';
import { checkUpgrade, exposureWarning, hostAllowed, originAllowed, splitHostHeader } from './access.js';
import { startHost, wsChannel, type Host } from './host.js';
import { peekCallId, rateLimiter, tokenBucket } from './rate-limit.js';

let versions = 0;
const impl = {
  version: () => {
    versions++;
    return { kscope: '7.7.7', bpftrace: null, kernelRelease: 'k', node: '20', root: true };
  },
  sessions: () => [],
  run: () => {
    throw new Error('not in this test');
  },
} as unknown as KscopeImpl;

let dir: string;
let host: Host;
const logs: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-limits-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>kscope</title>');
  host = await startHost({ impl, rendererDir: dir, events: { session: () => () => {} }, log: (l) => logs.push(l) });
});
afterAll(async () => {
  await host?.close();
});

function open(h: Host = host): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(h.wsUrl, { origin: `http://127.0.0.1:${h.port}` });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('where the host binds', () => {
  it('binds 127.0.0.1 by default', () => {
    expect(host.url.startsWith(`http://127.0.0.1:${host.port}/`)).toBe(true);
  });

  it('refuses any other address unless asked (--host)', async () => {
    await expect(startHost({ impl, rendererDir: dir, events: { session: () => () => {} }, host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });

  it('binds another address when asked, and prints a warning', async () => {
    const lines: string[] = [];
    const h = await startHost({ impl, rendererDir: dir, events: { session: () => () => {} }, host: '0.0.0.0', allowRemote: true, log: (l) => lines.push(l) });
    try {
      expect(lines.some((l) => /WARNING: serving on 0\.0\.0\.0/.test(l) && /ssh -L/.test(l))).toBe(true);
      const ws = await open(h); // still reachable on loopback
      expect((await channelClient(wsChannel(ws)).version()).kscope).toBe('7.7.7');
      ws.close();
    } finally {
      await h.close();
    }
  });

  it('does not warn for loopback', () => {
    expect(exposureWarning('127.0.0.1', 1)).toBeNull();
    expect(exposureWarning('192.168.1.2', 1)).toMatch(/WARNING/);
  });
});

describe('message size', () => {
  it('closes a connection that sends a frame over the limit (1009) and stays up for others', async () => {
    const big = await open();
    const bye = closed(big);
    big.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect((await bye).code).toBe(1009);
    const ws = await open();
    expect((await channelClient(wsChannel(ws)).version()).kscope).toBe('7.7.7');
    ws.close();
  });

  it('a message at the limit is read (and refused as malformed, not as too big)', async () => {
    const ws = await open();
    const reply = new Promise<string>((r) => ws.once('message', (d) => r(d.toString())));
    ws.send('x'.repeat(MAX_MESSAGE_BYTES));
    expect(JSON.parse(await reply)).toMatchObject({ ok: false, error: { code: 'bad-message', message: /not valid JSON/ } });
    ws.close();
  });
});

describe('rate limit, per connection', () => {
  it('10k messages at once: the flooder gets rate-limited replies then 1008; a second connection is answered correctly throughout', async () => {
    const good = await open();
    const client = channelClient(wsChannel(good));
    const flood = await open();
    const replies: { id: number | null; ok: boolean; error?: { code: string } }[] = [];
    flood.on('message', (d) => replies.push(JSON.parse(d.toString())));
    const bye = closed(flood);
    const before = versions;
    // The well-behaved client's calls interleave with the flood.
    const goodCalls = Array.from({ length: 20 }, () => client.version());
    for (let i = 0; i < 10_000; i++) flood.send(JSON.stringify({ kind: 'call', id: i + 1, method: 'version' }));
    const { code, reason } = await bye;
    expect(code).toBe(1008);
    expect(reason).toMatch(/rate limit/);
    const limited = replies.filter((r) => !r.ok && r.error?.code === 'rate-limited');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => typeof r.id === 'number')).toBe(true); // the caller can match them
    expect((await Promise.all(goodCalls)).every((v) => v.kscope === '7.7.7')).toBe(true);
    // A refused call never reaches the implementation: each flood message either reached
    // it, was refused, or came after the close and was dropped.
    const reached = versions - before - goodCalls.length;
    expect(reached).toBeGreaterThan(0);
    expect(reached + limited.length).toBeLessThanOrEqual(10_000);
    expect(reached).toBeLessThan(10_000);
    // After the flood the host still answers, and the flooder is gone.
    for (let i = 0; i < 20; i++) expect((await client.version()).kscope).toBe('7.7.7');
    expect(host.connections()).toBe(1);
    expect(logs.some((l) => /rate limit exceeded/.test(l))).toBe(true);
    good.close();
  });
});

describe('the rate limiter (pure, with a fake clock)', () => {
  it('a bucket gives its burst at once, then its rate', () => {
    let t = 0;
    const b = tokenBucket(10, 5, () => t);
    expect(Array.from({ length: 6 }, () => b.take())).toEqual([true, true, true, true, true, false]);
    t = 100; // 0.1 s → one token
    expect([b.take(), b.take()]).toEqual([true, false]);
    t = 100_000; // never more than the burst
    expect(Array.from({ length: 6 }, () => b.take()).filter(Boolean)).toHaveLength(5);
  });

  it('accepts, then refuses, then closes when the flood persists', () => {
    const t = 0;
    const v = rateLimiter({ perSecond: 100, burst: 3, strikes: 2 }, () => t);
    expect(Array.from({ length: 6 }, () => v())).toEqual(['accept', 'accept', 'accept', 'refuse', 'refuse', 'close']);
  });

  it('a client that slows down is served again', () => {
    let t = 0;
    const v = rateLimiter({ perSecond: 100, burst: 2, strikes: 5 }, () => t);
    expect([v(), v(), v()]).toEqual(['accept', 'accept', 'refuse']);
    t = 1000;
    expect([v(), v()]).toEqual(['accept', 'accept']);
  });

  it('reads a call id cheaply', () => {
    expect(peekCallId('{"kind":"call","id":42,"method":"x"}')).toBe(42);
    expect(peekCallId('{"id": 7}')).toBe(7);
    expect(peekCallId('garbage')).toBeNull();
    expect(peekCallId('{"id":-1}')).toBeNull();
  });
});

describe('Host and Origin rules', () => {
  const reach = { port: 8765, bindHost: '127.0.0.1' };
  it('accepts loopback names, at any port (an ssh -L tunnel may use another local port)', () => {
    expect(hostAllowed('127.0.0.1:8765', reach)).toBe(true);
    expect(hostAllowed('localhost:9000', reach)).toBe(true);
    expect(hostAllowed('[::1]:8765', reach)).toBe(true);
  });
  it('refuses DNS names (rebinding), missing or malformed Host', () => {
    expect(hostAllowed('evil.example:8765', reach)).toBe(false);
    expect(hostAllowed('127.0.0.1.evil.example:8765', reach)).toBe(false);
    expect(hostAllowed(undefined, reach)).toBe(false);
    expect(hostAllowed('127.0.0.1', reach)).toBe(false);
    expect(hostAllowed('127.0.0.1:8765:1', reach)).toBe(false);
    expect(splitHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 });
  });
  it('with --host: that address at our port; with a wildcard any IP literal, never a name', () => {
    expect(hostAllowed('10.0.0.5:8765', { port: 8765, bindHost: '10.0.0.5' })).toBe(true);
    expect(hostAllowed('10.0.0.6:8765', { port: 8765, bindHost: '10.0.0.5' })).toBe(false);
    expect(hostAllowed('10.0.0.5:8766', { port: 8765, bindHost: '10.0.0.5' })).toBe(false);
    expect(hostAllowed('10.0.0.6:8765', { port: 8765, bindHost: '0.0.0.0' })).toBe(true);
    expect(hostAllowed('box.example:8765', { port: 8765, bindHost: '0.0.0.0' })).toBe(false);
  });
  it('Origin must be the page itself', () => {
    expect(originAllowed('http://127.0.0.1:8765', '127.0.0.1:8765')).toBe(true);
    expect(originAllowed(undefined, '127.0.0.1:8765')).toBe(true); // not a browser: the token decides
    expect(originAllowed('http://localhost:3000', '127.0.0.1:8765')).toBe(false); // another local page
    expect(originAllowed('http://127.0.0.1:8765.evil.example', '127.0.0.1:8765')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8765')).toBe(false);
    expect(checkUpgrade({ url: '/api?token=t', headers: { host: '127.0.0.1:8765', origin: 'http://localhost:3000' } }, 't', reach)?.status).toBe(403);
  });
});

describe('what clients may cost', () => {
  it('refuses a WebSocket beyond maxConnections with 503, and accepts again once one closes', async () => {
    const h = await startHost({ impl, rendererDir: dir, events: { session: () => () => {} }, maxConnections: 3 });
    try {
      const three = await Promise.all([open(h), open(h), open(h)]);
      expect(h.connections()).toBe(3);
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(h.wsUrl, { origin: `http://127.0.0.1:${h.port}` });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => {});
      });
      expect(status).toBe(503);
      const gone = closed(three[0]);
      three[0].close();
      await gone;
      await expect.poll(() => h.connections()).toBe(2);
      const again = await open(h);
      expect((await channelClient(wsChannel(again)).version()).kscope).toBe('7.7.7');
      for (const ws of [...three, again]) ws.close();
    } finally {
      await h.close();
    }
  });

  it('drops a client that stops reading once its unsent updates pass the cap, long before 100 MB, and keeps serving others', async () => {
    let emit: (u: unknown) => void = () => {};
    const cap = 4 * 1024 * 1024;
    const h = await startHost({ impl, rendererDir: dir, events: { session: (l) => ((emit = l as (u: unknown) => void), () => {}) }, maxBufferedBytes: cap, log: (l) => logs.push(l) });
    try {
      const slow = await open(h);
      const fast = await open(h);
      let fastBytes = 0;
      fast.on('message', (d: Buffer) => (fastBytes += d.length));
      const slowClosed = closed(slow);
      // The slow client's socket stops reading: the kernel's buffers fill, then ours.
      (slow as unknown as { _socket: { pause(): void } })._socket.pause();
      const update = (i: number) => ({ sessionId: 's', seq: i, status: { state: 'running', startedAt: new Date(0).toISOString(), elapsedMs: 0, attachedProbes: 1, events: 0, printfLines: 0, lostEvents: 0, exit: null }, flames: [], printf: [{ t: 0, text: 'x'.repeat(1024 * 1024) }], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] });
      let sent = 0;
      for (let i = 0; i < 100 && h.connections() === 2; i++) {
        emit(update(i));
        sent += 1024 * 1024;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(h.connections()).toBe(1);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
      expect(logs.some((l) => /replies are not being read/.test(l))).toBe(true);
      (slow as unknown as { _socket: { resume(): void } })._socket.resume();
      await slowClosed;
      // The reader that kept up got every update.
      await expect.poll(() => fastBytes, { timeout: 5000 }).toBeGreaterThanOrEqual(sent);
      fast.close();
    } finally {
      await h.close();
    }
  });
});

describe('flow control over the host', () => {
  it('`ready` is not a call: 1,000 at once are not rate-limited, and the client then gets one merged update per ready', async () => {
    let emit: (u: SessionUpdate) => void = () => {};
    const h = await startHost({
      impl,
      rendererDir: dir,
      events: {
        session: (l) => {
          emit = l;
          return () => {};
        },
      },
    });
    try {
      const ws = await open(h);
      const got: { kind: string; payload?: SessionUpdate }[] = [];
      ws.on('message', (d) => got.push(JSON.parse(d.toString())));
      const status = { state: 'running' as const, startedAt: new Date(0).toISOString(), elapsedMs: 1, attachedProbes: 1, events: 1, printfLines: 1, lostEvents: 0, exit: null };
      const u = (seq: number, text: string): SessionUpdate => ({ sessionId: 's', seq, status, flames: [], printf: [{ t: seq, text }], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] });
      for (let i = 0; i < 1000; i++) ws.send(READY_MESSAGE);
      await expect.poll(() => versionsAfter(ws)).toBe('7.7.7'); // the connection still answers calls
      emit(u(1, 'a'));
      emit(u(2, 'b'));
      emit(u(3, 'c'));
      await expect.poll(() => got.filter((m) => m.kind === 'event').length).toBe(1);
      ws.send(READY_MESSAGE);
      await expect.poll(() => got.filter((m) => m.kind === 'event').length).toBe(2);
      const events = got.filter((m) => m.kind === 'event').map((m) => m.payload!);
      expect(events.map((e) => [e.seq, e.printf.map((l) => l.text).join('')])).toEqual([
        [1, 'a'],
        [3, 'bc'],
      ]);
      expect(got.some((m) => m.kind === 'reply' && JSON.stringify(m).includes('rate-limited'))).toBe(false);
      ws.close();
    } finally {
      await h.close();
    }
  });
});

async function versionsAfter(ws: WebSocket): Promise<string> {
  const reply = new Promise<string>((r) => {
    const on = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString());
      if (m.kind === 'reply' && m.id === 424242) {
        ws.off('message', on);
        r(m.ok ? m.result.kscope : m.error.code);
      }
    };
    ws.on('message', on);
  });
  ws.send(JSON.stringify({ kind: 'call', id: 424242, method: 'version' }));
  return reply;
}
