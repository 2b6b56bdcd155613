// How the renderer reaches the privileged side: the Electron preload bridge when present
// (window.kscope), otherwise the host's WebSocket with the token from the URL fragment.
import { bridgeClient, channelClient, type Channel, type KscopeBridge, type KscopeClient } from '../../common/contract/index.js';

declare global {
  interface Window {
    kscope?: KscopeBridge;
  }
}

export type ConnectResult =
  | { ok: true; client: KscopeClient; mode: 'electron' | 'browser'; onClose(listener: (reason: string) => void): void }
  | { ok: false; kind: 'no-token' }
  | { ok: false; kind: 'closed'; reason: string };

/** The token from a fragment like `#token=abc&example=lesson-4`. */
export function tokenFromHash(hash: string): string | null {
  const t = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return t && t.length > 0 ? t : null;
}

function report(what: string): void {
  console.warn(`[kscope] ${what}`);
}

/** A WebSocket adapted to the contract's Channel; resolves once open, or with why not. */
function openSocket(url: string): Promise<{ channel: Channel; ws: WebSocket } | { error: string }> {
  return new Promise((resolve) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      resolve({ error: (e as Error).message });
      return;
    }
    const messageListeners = new Set<(text: string) => void>();
    const closeListeners = new Set<(reason: string) => void>();
    let opened = false;
    ws.addEventListener('message', (ev) => {
      if (typeof ev.data === 'string') for (const l of messageListeners) l(ev.data);
    });
    ws.addEventListener('close', (ev) => {
      const reason = describeClose(ev.code, ev.reason);
      if (!opened) resolve({ error: reason });
      for (const l of closeListeners) l(reason);
    });
    ws.addEventListener('open', () => {
      opened = true;
      const channel: Channel = {
        send: (text) => {
          if (ws.readyState !== WebSocket.OPEN) throw new Error('connection is not open');
          ws.send(text);
        },
        onMessage: (l) => {
          messageListeners.add(l);
          return () => messageListeners.delete(l);
        },
        onClose: (l) => {
          closeListeners.add(l);
          return () => closeListeners.delete(l);
        },
      };
      resolve({ channel, ws });
    });
  });
}

export function describeClose(code: number, reason: string): string {
  if (reason) return `${reason} (code ${code})`;
  switch (code) {
    case 1000:
      return 'closed by the host (code 1000)';
    case 1001:
      return 'the host is going away (code 1001)';
    case 1006:
      return 'the connection was refused or dropped: is `kscope serve` running, and is the token right? (code 1006)';
    case 1008:
      return 'refused by the host: policy violation, bad token or origin (code 1008)';
    case 1009:
      return 'message too big (code 1009)';
    case 1011:
      return 'the host hit an internal error (code 1011)';
    default:
      return `connection closed (code ${code})`;
  }
}

export async function connect(): Promise<ConnectResult> {
  const bridge = window.kscope;
  if (bridge) {
    const client = bridgeClient(bridge, report);
    return { ok: true, client, mode: 'electron', onClose: () => {} };
  }
  const token = tokenFromHash(location.hash);
  if (!token) return { ok: false, kind: 'no-token' };
  const url = `ws://${location.host}/api?token=${encodeURIComponent(token)}`;
  const r = await openSocket(url);
  if ('error' in r) return { ok: false, kind: 'closed', reason: r.error };
  const client = channelClient(r.channel, report);
  return { ok: true, client, mode: 'browser', onClose: (l) => void r.channel.onClose(l) };
}
