// Browser mode: the built renderer and the contract over a WebSocket, on loopback only
// (another address only when asked, with a warning), behind a random token, Host and Origin
// checks, a message size limit and a per-connection rate limit (`kscope serve`).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { forwardEvents, MAX_MESSAGE_BYTES, READY_MESSAGE, type Channel, type EventSources, type KscopeImpl } from '../../common/contract/index.js';
import { serveChannel, type ServedChannel } from '../transport/channel-server.js';
import { resolveExportDownload } from '../recordings/index.js';
import { checkUpgrade, exposureWarning, hostAllowed, isLoopback, tokensEqual, type Reach } from './access.js';
import { DEFAULT_RATE_LIMIT, peekCallId, rateLimiter, type RateLimit } from './rate-limit.js';
import { serveStatic } from './static-files.js';

export interface HostOptions {
  impl: KscopeImpl;
  /** Every contract event's source; each is forwarded to every connection. */
  events: EventSources;
  rendererDir: string;
  port?: number;
  token?: string;
  /** Address to bind; 127.0.0.1 unless given. Anything but loopback needs allowRemote. */
  host?: string;
  /** The user asked for a non-loopback address (`kscope serve --host`): bind it and warn. */
  allowRemote?: boolean;
  rateLimit?: RateLimit;
  /** Where exportRecording writes: served at GET /exports/NAME?token=… (browser mode downloads). */
  exportsDir?: string;
  log?: (line: string) => void;
  /** At most this many WebSockets at once (default MAX_CONNECTIONS); more are refused with 503. */
  maxConnections?: number;
  /** Unsent bytes per client beyond which it is dropped (default MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
}

/**
 * Replies and updates a client has not read yet beyond which it is dropped: it is not
 * reading (a stalled or throttled tab). Far above one update or one page of the log
 * (≤ 2 MB), far below what 11 slow clients once cost (64 MiB each: 900 MB of RSS).
 */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** WebSockets at once: a few tabs and a CLI or two; each may hold MAX_BUFFERED_BYTES. */
export const MAX_CONNECTIONS = 16;

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

/**
 * The server side of one WebSocket: over the rate limit a call gets a `rate-limited` error
 * reply and reaches nothing; a client that keeps on is closed with 1008 (policy violation).
 * A client that stops reading its replies is closed too.
 */
export function limitedServerChannel(ws: WebSocket, limit: RateLimit, log: (line: string) => void, maxBuffered = MAX_BUFFERED_BYTES): Channel {
  const verdict = rateLimiter(limit);
  const base = wsChannel(ws);
  let closing = false;
  const hangUp = (why: string, now = false) => {
    if (closing) return;
    closing = true;
    log(`kscope: closing a WebSocket: ${why}`);
    // A client that does not read would never finish a close handshake: its unsent bytes
    // would stay in our memory until ws's close timeout. Drop it now and free them.
    if (now) ws.terminate();
    else ws.close(1008, why);
  };
  const send = (text: string) => {
    if (closing || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount + text.length > maxBuffered) return hangUp(`replies are not being read (${ws.bufferedAmount} bytes unsent)`, true);
    ws.send(text);
  };
  return {
    send,
    onMessage: (l) =>
      base.onMessage((text) => {
        if (closing) return;
        // Flow control is not a call: refusing a `ready` would stall the page's live updates,
        // and it costs a string compare and at most the one update it was owed anyway.
        if (text === READY_MESSAGE) return l(text);
        const v = verdict();
        if (v === 'accept') return l(text);
        if (v === 'close') return hangUp('rate limit exceeded');
        const reply = { kind: 'reply', id: peekCallId(text), ok: false, error: { code: 'rate-limited', message: `too many calls: at most ${limit.perSecond} per second (bursts of ${limit.burst})` } };
        send(JSON.stringify(reply));
      }),
    onClose: base.onClose,
  };
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(16).toString('hex'); // 128 bits
  const log = opts.log ?? (() => {});
  const bindHost = opts.host ?? '127.0.0.1';
  if (!isLoopback(bindHost) && !opts.allowRemote) throw new Error(`kscope serve binds loopback only; refusing ${bindHost} (use --host ${bindHost} to serve beyond this machine, or an SSH tunnel)`);
  const rateLimit = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  let reach: Reach = { port: 0, bindHost };
  const served = new Set<ServedChannel>();
  let upgrading = 0; // upgrades under way, counted against maxConnections too
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;

  const server = http.createServer((req, res) => {
    if (!hostAllowed(req.headers.host, reach)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request: wrong Host header');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed');
      return;
    }
    if ((req.url ?? '').startsWith('/exports/')) return serveExport(req.url!, res);
    serveStatic(opts.rendererDir, req.url ?? '/', res, port, req.headers.host);
  });

  /** A file of the exports folder, as a download; the token is required as for the WebSocket. */
  function serveExport(rawUrl: string, res: http.ServerResponse): void {
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const refuse = (status: number, text: string) => void res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(text);
    if (!tokensEqual(url.searchParams.get('token'), token)) return refuse(401, 'missing or wrong token');
    const name = url.pathname.slice('/exports/'.length);
    const found = opts.exportsDir ? resolveExportDownload(opts.exportsDir, name) : null;
    let size: number;
    try {
      if (!found) throw new Error('no');
      const st = fs.statSync(found.path);
      if (!st.isFile()) throw new Error('no');
      size = st.size;
    } catch {
      return refuse(404, 'no such export');
    }
    res.writeHead(200, {
      'content-type': found.mime,
      'content-length': String(size),
      'content-disposition': `attachment; filename="${found.name}"`,
      // Never rendered as a page of this origin (an SVG or HTML export could carry script).
      'content-security-policy': "default-src 'none'; sandbox",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    fs.createReadStream(found.path).pipe(res);
  }

  server.on('upgrade', (req, socket, head) => {
    const refusal = checkUpgrade(req, token, reach);
    if (refusal) {
      log(`kscope: refused a WebSocket from ${req.socket.remoteAddress}: ${refusal.reason}`);
      socket.end(`HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${refusal.reason}\n`);
      return;
    }
    const max = opts.maxConnections ?? MAX_CONNECTIONS;
    if (served.size + upgrading >= max) {
      log(`kscope: refused a WebSocket: ${served.size} connections already (at most ${max})`);
      socket.end(`HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\ntoo many connections (at most ${max}): close another kscope tab\n`);
      return;
    }
    upgrading++;
    let counted = true;
    const uncount = () => {
      if (counted) upgrading--;
      counted = false;
    };
    socket.once('close', uncount); // an upgrade that fails half-way
    wss.handleUpgrade(req, socket, head, (ws) => {
      uncount();
      // A protocol error (oversized frame, bad UTF-8, ...) closes this socket (ws sends
      // 1009/1007); without a listener it would be an uncaught exception in the host.
      ws.on('error', (e) => log(`kscope: WebSocket error: ${e.message}`));
      const s = serveChannel(limitedServerChannel(ws, rateLimit, log, opts.maxBufferedBytes), opts.impl, log);
      served.add(s);
      ws.on('close', () => {
        served.delete(s);
        s.close();
      });
    });
  });

  const off = forwardEvents(opts.events, (event, payload) => served.forEach((s) => s.emit(event, payload)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  reach = { port, bindHost };
  const warning = exposureWarning(bindHost, port);
  if (warning) log(warning);
  // A wildcard is not an address to open; print loopback (it answers there too).
  const shown = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    port,
    token,
    url: `http://${shown}:${port}/#token=${token}`,
    wsUrl: `ws://${shown}:${port}/api?token=${token}`,
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
