// `kscope serve --stdio`: the contract over stdin/stdout, one JSON message a line, for a
// peer that started us (ssh on the far side of a remote host). Calls are validated by the
// same dispatch as IPC and WebSocket, events by the same schemas. The engine lives as long
// as the channel: when stdin ends (ssh gone) or the peer falls silent past `idleMs` (a
// link cut that neither side's TCP has noticed yet), every run is stopped before exit, so
// nothing stays attached on the far side.
import type { Readable, Writable } from 'node:stream';
import { forwardEvents, type EventSources, type KscopeImpl } from '../../common/contract/index.js';
import { serveChannel } from '../transport/channel-server.js';
import { LineReader, lineChannel } from './line-channel.js';

/** The client pings at a quarter of this; the far side gives up after it. */
export const DEFAULT_IDLE_MS = 15_000;

export interface StdioServeOptions {
  input: Readable;
  output: Writable;
  impl: KscopeImpl;
  /** The contract's events, forwarded as every other transport forwards them. */
  events: EventSources;
  /** Stop every run (resolves when bpftrace is gone). */
  shutdown(): Promise<void>;
  idleMs?: number;
  log?: (line: string) => void;
}

/** Resolves with why it ended, after every run has stopped. */
export function serveStdio(o: StdioServeOptions): Promise<string> {
  const channel = lineChannel(new LineReader(o.input), o.output);
  const served = serveChannel(channel, o.impl, o.log);
  const off = forwardEvents(o.events, (event, payload) => served.emit(event, payload));
  const idleMs = o.idleMs ?? DEFAULT_IDLE_MS;
  let idle: NodeJS.Timeout | null = null;
  const arm = () => {
    if (idle) clearTimeout(idle);
    if (idleMs > 0) idle = setTimeout(() => channel.close(`no message from the peer for ${idleMs} ms`), idleMs);
  };
  arm();
  channel.onMessage(arm);
  return new Promise((resolve) => {
    channel.onClose((reason) => {
      if (idle) clearTimeout(idle);
      off();
      served.close();
      o.log?.(`kscope: stdio channel closed (${reason}); stopping every run`);
      void o.shutdown().then(
        () => resolve(reason),
        () => resolve(reason),
      );
    });
  });
}
