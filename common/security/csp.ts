// The renderer's Content-Security-Policy, as data: the host (browser mode) and the Electron
// window send the same one.
/**
 * The renderer's Content-Security-Policy, one for both shells: no inline script, no eval,
 * nothing from elsewhere. Monaco's editor worker is a file of ours (`worker-src 'self'`;
 * blob: for Monaco's fallback worker loader). Inline styles are allowed because Monaco
 * and the charts set them; styles cannot run code. `connect` is where the page may open
 * connections: the WebSocket host in browser mode, nothing beyond 'self' in Electron.
 */
export function contentSecurityPolicy(connect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
