// The host's doors, tested from outside against the real `kscope serve`.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from './serve.js';

function upgrade(url: string, origin?: string): Promise<{ open: boolean; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve({ open: true });
    });
    ws.on('unexpected-response', (_q, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ open: false, status: res.statusCode, body }));
    });
    ws.on('error', () => resolve({ open: false }));
  });
}

describe('kscope serve refuses what it must', () => {
  let served: Served;
  let token: string;
  beforeAll(async () => {
    served = await startServe();
    token = new URL(served.url).hash.replace('#token=', '');
  });
  afterAll(async () => served?.stop());

  it('binds loopback and accepts its own origin with the token', async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect((await upgrade(`ws://127.0.0.1:${served.port}/api?token=${token}`, `http://127.0.0.1:${served.port}`)).open).toBe(true);
  });
  it('refuses no token, a wrong token and a foreign origin', async () => {
    expect(await upgrade(`ws://127.0.0.1:${served.port}/api`)).toMatchObject({ open: false, status: 401 });
    expect(await upgrade(`ws://127.0.0.1:${served.port}/api?token=deadbeef`)).toMatchObject({ open: false, status: 401 });
    expect(await upgrade(`ws://127.0.0.1:${served.port}/api?token=${token}`, 'http://evil.example')).toMatchObject({ open: false, status: 403 });
  });
});
