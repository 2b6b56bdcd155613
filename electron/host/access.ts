// The host's door checks, pure so each is tested alone: token (constant time), Origin,
// Host (against DNS rebinding), and the address we bind.
import { timingSafeEqual } from 'node:crypto';

export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Browsers always send Origin on a WebSocket; a missing one is a non-browser client (the token still applies). */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedOrigins(port).includes(origin);
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

export type Refusal = { status: number; reason: string };

/** Decide on a WebSocket upgrade to /api; null means accept. */
export function checkUpgrade(req: { url?: string; headers: { origin?: string; host?: string } }, token: string, port: number): Refusal | null {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== '/api') return { status: 404, reason: 'no such endpoint (the API is at /api)' };
  if (!hostAllowed(req.headers.host, port)) return { status: 421, reason: `Host header must be 127.0.0.1:${port} or localhost:${port}` };
  if (!originAllowed(req.headers.origin, port)) return { status: 403, reason: `Origin ${req.headers.origin} is not allowed` };
  const given = url.searchParams.get('token');
  if (!given) return { status: 401, reason: 'missing token: open the URL kscope printed (…/#token=…)' };
  if (!tokensEqual(given, token)) return { status: 401, reason: 'wrong token' };
  return null;
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
