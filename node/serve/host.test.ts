import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { channelClient, type KscopeImpl, type SessionUpdate } from '../../common/contract/index.js';
import { checkUpgrade, isLoopback, tokensEqual } from './access.js';
import { startHost, wsChannel, type Host } from './host.js';
import { resolveStatic } from './static-files.js';

const impl = {
  version: () => ({ kscope: '1.2.3', bpftrace: null, kernelRelease: 'k', node: '20', root: true }),
  capabilities: () => ({ entries: {} }),
  examples: () => [],
  run: () => ({ sessionId: 's1', recordingPath: null }),
  stop: () => {
    throw new Error('no');
  },
  sessions: () => [],
} as unknown as KscopeImpl;

let host: Host;
let dir: string;
const listeners = new Set<(u: SessionUpdate) => void>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-host-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>kscope</title>');
  fs.writeFileSync(path.join(os.tmpdir(), 'kscope-secret.txt'), 'secret');
  host = await startHost({ impl, rendererDir: dir, events: { session: (l) => (listeners.add(l), () => listeners.delete(l)) } });
});
afterAll(async () => {
  await host.close();
});

function get(p: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: host.port, path: p, headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

function connect(url: string, origin?: string): Promise<{ ws?: WebSocket; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    ws.on('error', () => resolve({}));
  });
}

describe('kscope serve host', () => {
  it('prints a loopback URL with a 128-bit token in the fragment', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{32}$/);
    expect(host.wsUrl).toBe(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
  });

  it('serves the renderer with a strict CSP', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>kscope</title>');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).not.toContain('unsafe-eval');
  });

  it('does not serve files outside the renderer directory', async () => {
    expect((await get('/../kscope-secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/kscope-secret.txt')).status).toBe(404);
    expect(resolveStatic(dir, '/../../etc/passwd')).toBeNull();
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', { host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('accepts the token and speaks the contract', async () => {
    const { ws } = await connect(host.wsUrl, `http://127.0.0.1:${host.port}`);
    expect(ws).toBeDefined();
    const client = channelClient(wsChannel(ws!));
    expect((await client.version()).kscope).toBe('1.2.3');
    const got: SessionUpdate[] = [];
    client.on('session', (u) => got.push(u));
    const u: SessionUpdate = { sessionId: 's1', seq: 0, status: { state: 'running', startedAt: 'x', elapsedMs: 0, attachedProbes: null, events: 0, printfLines: 0, lostEvents: 0, exit: null }, flames: [], printf: [], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] };
    listeners.forEach((l) => l(u));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
    ws!.close();
  });

  it('answers a malformed message with an error reply and stays up', async () => {
    const { ws } = await connect(host.wsUrl);
    const reply = await new Promise<string>((resolve) => {
      ws!.once('message', (d) => resolve(d.toString()));
      ws!.send('this is not json');
    });
    expect(JSON.parse(reply)).toMatchObject({ kind: 'reply', ok: false, error: { code: 'bad-message' } });
    const client = channelClient(wsChannel(ws!));
    expect((await client.version()).kscope).toBe('1.2.3');
    ws!.close();
  });

  it('refuses a connection without the token', async () => {
    const r = await connect(`ws://127.0.0.1:${host.port}/api`);
    expect(r.status).toBe(401);
    expect(r.body).toMatch(/missing token/);
  });

  it('refuses a wrong token', async () => {
    const r = await connect(`ws://127.0.0.1:${host.port}/api?token=${'0'.repeat(32)}`);
    expect(r.status).toBe(401);
    expect(r.body).toMatch(/wrong token/);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const r = await connect(host.wsUrl, 'https://evil.example');
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/Origin/);
  });
});

describe('door checks', () => {
  it('compares tokens in constant time and rejects non-strings', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('ab', 'abc')).toBe(false);
    expect(tokensEqual(undefined, 'abc')).toBe(false);
  });
  it('accepts only /api', () => {
    expect(checkUpgrade({ url: '/other?token=t', headers: { host: '127.0.0.1:5' } }, 't', 5)?.status).toBe(404);
    expect(checkUpgrade({ url: '/api?token=t', headers: { host: 'localhost:5', origin: 'http://localhost:5' } }, 't', 5)).toBeNull();
  });
  it('knows loopback', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('192.168.1.2')).toBe(false);
  });
});
