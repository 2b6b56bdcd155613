import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { servedCsp } from '../node/serve/static-files.js';
import { contentSecurityPolicy, isOwnUrl, isTrustedSender, requestAllowed, windowOptions, withCsp } from './window-policy.js';

/** "a b; c d" → { a: ['b'], c: ['d'] } */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([k, ...v]) => [k, v]),
  );
}

describe('the hardened window', () => {
  it('isolates and sandboxes the renderer', () => {
    const w = windowOptions('/app/preload.cjs').webPreferences!;
    expect(w).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, preload: '/app/preload.cjs' });
  });
  it('allows navigation only to our own page', () => {
    const own = 'file:///opt/kscope/dist/renderer/index.html';
    expect(isOwnUrl('file:///opt/kscope/dist/renderer/index.html#x', own)).toBe(true);
    expect(isOwnUrl('file:///etc/passwd', own)).toBe(false);
    expect(isOwnUrl('https://evil.example/', own)).toBe(false);
    expect(isOwnUrl('not a url', own)).toBe(false);
  });
  it('trusts IPC only from our main frame showing our page', () => {
    const own = 'file:///opt/kscope/dist/renderer/index.html';
    const mainFrame = { url: own };
    const win = { webContents: { mainFrame } };
    expect(isTrustedSender({ sender: win.webContents, senderFrame: mainFrame }, win, own)).toBe(true);
    expect(isTrustedSender({ sender: win.webContents, senderFrame: { url: own } }, win, own)).toBe(false);
    expect(isTrustedSender({ sender: {}, senderFrame: mainFrame }, win, own)).toBe(false);
    expect(isTrustedSender({ sender: win.webContents, senderFrame: null }, win, own)).toBe(false);
    expect(isTrustedSender({ sender: win.webContents, senderFrame: { url: 'https://evil.example/' } }, { webContents: { mainFrame: { url: 'x' } } }, own)).toBe(false);
  });
  it('lets the renderer load only its own files, data: and blob:', () => {
    const dir = 'file:///opt/kscope/dist/renderer';
    expect(requestAllowed('file:///opt/kscope/dist/renderer/assets/a.js', dir)).toBe(true);
    expect(requestAllowed('file:///opt/kscope/dist/renderer-evil/a.js', dir)).toBe(false);
    expect(requestAllowed('file:///opt/kscope/dist/renderer/../../../etc/passwd', dir)).toBe(false);
    expect(requestAllowed('https://cdn.example/a.js', dir)).toBe(false);
  });
});

describe('the Content-Security-Policy', () => {
  const d = directives(contentSecurityPolicy([]));

  it('runs no inline script and no eval; nothing from elsewhere', () => {
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['base-uri']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(contentSecurityPolicy([])).not.toMatch(/unsafe-eval|wasm-unsafe-eval|\*/);
  });

  it("allows Monaco's editor worker explicitly", () => {
    expect(d['worker-src']).toEqual(["'self'", 'blob:']);
  });

  it('lets the served page reach only its own WebSocket', () => {
    const served = directives(servedCsp(8765, '127.0.0.1:9000'));
    expect(served['connect-src']).toEqual(["'self'", 'ws://127.0.0.1:8765', 'ws://localhost:8765', 'ws://127.0.0.1:9000']);
    expect(directives(servedCsp(8765, 'x"; script-src *'))['connect-src']).toEqual(["'self'", 'ws://127.0.0.1:8765', 'ws://localhost:8765']);
    expect(served['script-src']).toEqual(["'self'"]);
  });

  it('replaces a response CSP header whatever its spelling', () => {
    expect(withCsp({ 'Content-Security-Policy': ['*'], 'content-type': 'text/html' }, 'x')).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': ['x'] });
  });

  it("the renderer page's own meta CSP is no weaker, and it has no inline script", () => {
    const html = fs.readFileSync('renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    const m = directives(meta![1]);
    expect(m['script-src']).toEqual(["'self'"]);
    expect(meta![1]).not.toMatch(/unsafe-eval/);
    for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) expect(tag).toMatch(/^<script\b[^>]*\bsrc=[^>]*><\/script>$/);
  });
});
