// The host's door checks, pure so each is tested alone: token (constant time), Host
// (against DNS rebinding), Origin (same origin as the page), and the address we bind.
import { timingSafeEqual } from 'node:crypto';
import net from 'node:net';

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Lengths are not secret (always 32 hex chars); the bytes are compared in constant time.
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** 0.0.0.0 or :: : every interface. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** What the host answers to: its port and the address it was bound to. */
export interface Reach {
  port: number;
  /** The address given to listen() (127.0.0.1 unless `--host` was given). */
  bindHost: string;
}

/** Split a Host header ("name:port", "[v6]:port") into lowercase name and port; null if malformed. */
export function splitHostHeader(host: string): { name: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(host);
  if (!m) return null;
  return { name: m[1].toLowerCase().replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/**
 * The Host header must name us: a loopback name (any port, so an `ssh -L` tunnel with
 * another local port works), or the address we were bound to with `--host` (when that is
 * a wildcard, any IP literal). A DNS name other than localhost is refused: that is what a
 * DNS-rebinding page would send.
 */
export function hostAllowed(host: string | undefined, reach: Reach | number): boolean {
  const r: Reach = typeof reach === 'number' ? { port: reach, bindHost: '127.0.0.1' } : reach;
  if (!host) return false;
  const h = splitHostHeader(host);
  if (!h) return false;
  if (isLoopback(h.name)) return true;
  if (h.port !== r.port) return false;
  const bind = r.bindHost.toLowerCase().replace(/^\[|\]$/g, '');
  if (h.name === bind) return true;
  return isWildcard(r.bindHost) && net.isIP(h.name) !== 0;
}

/**
 * Browsers always send Origin on a WebSocket; it must be the page's own origin (the one in
 * the Host header). A missing Origin is a non-browser client: the token still applies.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

export type Refusal = { status: number; reason: string };

/** Decide on a WebSocket upgrade to /api; null means accept. */
export function checkUpgrade(req: { url?: string; headers: { origin?: string; host?: string } }, token: string, reach: Reach | number): Refusal | null {
  const port = typeof reach === 'number' ? reach : reach.port;
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return { status: 400, reason: 'bad request URL' };
  }
  if (url.pathname !== '/api') return { status: 404, reason: 'no such endpoint (the API is at /api)' };
  if (!hostAllowed(req.headers.host, reach)) return { status: 421, reason: `Host header must be 127.0.0.1:${port} or localhost:${port}` };
  if (!originAllowed(req.headers.origin, req.headers.host)) return { status: 403, reason: `Origin ${String(req.headers.origin).slice(0, 200)} is not allowed` };
  const given = url.searchParams.get('token');
  if (!given) return { status: 401, reason: 'missing token: open the URL kscope printed (…/#token=…)' };
  if (!tokensEqual(given, token)) return { status: 401, reason: 'wrong token' };
  return null;
}

/** Printed when `--host` binds beyond loopback; null for a loopback address. */
export function exposureWarning(bindHost: string, port: number): string | null {
  if (isLoopback(bindHost)) return null;
  return (
    `kscope: WARNING: serving on ${bindHost}:${port}, reachable from other machines. Anyone with the URL's token ` +
    `can run bpftrace as this user, and the connection is plain HTTP (the token crosses the network in clear). ` +
    `Prefer the default (127.0.0.1) with an SSH tunnel: ssh -L ${port}:127.0.0.1:${port} THIS-HOST`
  );
}
