// Browser mode: the built renderer and the contract over a WebSocket, on loopback only,
// behind a random token and an Origin check (`kscope serve`).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES, type Channel, type KscopeImpl, type SessionUpdate } from '../api/index.js';
import { serveChannel, type ServedChannel } from '../transport/channel-server.js';
import { checkUpgrade, hostAllowed } from './access.js';
import { serveStatic } from './static-files.js';

export interface HostOptions {
  impl: KscopeImpl;
  onSessionUpdate: (l: (u: SessionUpdate) => void) => () => void;
  rendererDir: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export interface Host {
  port: number;
  token: string;
  url: string;
  wsUrl: string;
  connections(): number;
  close(): Promise<void>;
}

export function wsChannel(ws: WebSocket): Channel {
  return {
    send: (text) => ws.send(text),
    onMessage: (l) => {
      const h = (data: Buffer, isBinary: boolean) => l(isBinary ? '' : data.toString('utf8'));
      ws.on('message', h);
      return () => ws.off('message', h);
    },
    onClose: (l) => {
      const h = (code: number, reason: Buffer) => l(`${code} ${reason.toString()}`);
      ws.on('close', h);
      return () => ws.off('close', h);
    },
  };
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(16).toString('hex'); // 128 bits
  const log = opts.log ?? (() => {});
  const served = new Set<ServedChannel>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;

  const server = http.createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request: wrong Host header');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed');
      return;
    }
    serveStatic(opts.rendererDir, req.url ?? '/', res, port);
  });

  server.on('upgrade', (req, socket, head) => {
    const refusal = checkUpgrade(req, token, port);
    if (refusal) {
      log(`kscope: refused a WebSocket from ${req.socket.remoteAddress}: ${refusal.reason}`);
      socket.end(`HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${refusal.reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const s = serveChannel(wsChannel(ws), opts.impl, log);
      served.add(s);
      ws.on('close', () => {
        served.delete(s);
        s.close();
      });
    });
  });

  const off = opts.onSessionUpdate((u) => served.forEach((s) => s.emit('session', u)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    wsUrl: `ws://127.0.0.1:${port}/api?token=${token}`,
    connections: () => served.size,
    close: async () => {
      off();
      for (const ws of wss.clients) ws.close(1001, 'kscope is shutting down');
      wss.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections(); // keep-alive HTTP connections would hold close() open
      await closed;
    },
  };
}
