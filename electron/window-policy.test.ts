import { describe, expect, it } from 'vitest';
import { isOwnUrl, windowOptions } from './window-policy.js';

describe('the hardened window', () => {
  it('isolates and sandboxes the renderer', () => {
    const w = windowOptions('/app/preload.cjs').webPreferences!;
    expect(w).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, preload: '/app/preload.cjs' });
  });
  it('allows navigation only to our own page', () => {
    const own = 'file:///opt/kscope/dist/renderer/index.html';
    expect(isOwnUrl('file:///opt/kscope/dist/renderer/index.html#x', own)).toBe(true);
    expect(isOwnUrl('file:///etc/passwd', own)).toBe(false);
    expect(isOwnUrl('https://evil.example/', own)).toBe(false);
    expect(isOwnUrl('not a url', own)).toBe(false);
  });
});
