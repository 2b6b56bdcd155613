// Serving the built renderer: only files under its directory, with a strict CSP.
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { contentSecurityPolicy } from '../../common/security/csp.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** The CSP served with every file: the renderer's, plus the WebSocket to this host. */
export function servedCsp(port: number, hostHeader?: string): string {
  const connect = [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`];
  // Through an ssh -L tunnel or with --host the page's own host differs; 'self' covers it in
  // CSP3 browsers, the explicit entry covers the rest.
  if (hostHeader && /^[A-Za-z0-9.:[\]-]+$/.test(hostHeader) && !connect.includes(`ws://${hostHeader}`)) connect.push(`ws://${hostHeader}`);
  return contentSecurityPolicy(connect);
}

/** Resolve a URL path inside root; null if it escapes root or does not exist. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const full = path.resolve(root, '.' + path.posix.normalize(rel));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

export function serveStatic(root: string, urlPath: string, res: ServerResponse, port: number, hostHeader?: string): void {
  const file = resolveStatic(path.resolve(root), urlPath);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-security-policy': servedCsp(port, hostHeader),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  fs.createReadStream(file).pipe(res);
}
