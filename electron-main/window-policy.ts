// The hardened window, as data: tested without the Electron binary.
import type { BrowserWindowConstructorOptions } from 'electron';
import { contentSecurityPolicy } from '../common/security/csp.js';

export { contentSecurityPolicy };

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    backgroundColor: '#1e1f22',
    title: 'kscope',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** Only our own page (file:// under the renderer directory) may be shown. */
export function isOwnUrl(url: string, rendererIndexUrl: string): boolean {
  try {
    const u = new URL(url);
    const own = new URL(rendererIndexUrl);
    return u.protocol === own.protocol && u.pathname === own.pathname;
  } catch {
    return false;
  }
}

/** Response headers with our CSP set, replacing any the response had (any spelling). */
export function withCsp(headers: Record<string, string[] | string> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === 'content-security-policy') continue;
    out[k] = Array.isArray(v) ? v : [v];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** What an IPC event says about who sent it (Electron's IpcMainInvokeEvent, structurally). */
export interface IpcSender {
  sender?: unknown;
  senderFrame?: { url: string } | null;
}

/**
 * An IPC call is ours only when it comes from our window's webContents, from its main frame
 * (not an iframe), and that frame still shows our page.
 */
export function isTrustedSender(e: IpcSender, win: { webContents: { mainFrame: unknown } }, indexUrl: string): boolean {
  const frame = e.senderFrame;
  if (!frame || e.sender !== win.webContents || frame !== win.webContents.mainFrame) return false;
  return isOwnUrl(frame.url, indexUrl);
}

/**
 * What the renderer may load: files under its own directory, and data:/blob: URLs (fonts,
 * images, Monaco's worker). Not the network, not other local files.
 */
export function requestAllowed(url: string, rendererDirUrl: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'devtools:') return true;
  if (u.protocol !== 'file:') return false;
  const dir = new URL(rendererDirUrl).pathname.replace(/\/?$/, '/');
  return u.host === '' && u.pathname.startsWith(dir);
}
