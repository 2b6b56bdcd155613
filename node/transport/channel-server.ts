// Serve the contract over any Channel (a WebSocket, an in-memory pair): calls in,
// replies and events out. Events are validated before they leave.
import { events, READY_MESSAGE, type Channel, type EventName, type EventPayload, type KscopeImpl, type SessionUpdate } from '../../common/contract/index.js';
import { createDispatch, handleText } from './dispatch.js';
import { UpdatePacer } from './update-pacer.js';

export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface ServedChannel {
  /** Send an event to this peer (dropped with a log line if it does not match its schema). */
  emit: EventSink;
  close(): void;
}

export function serveChannel(channel: Channel, impl: KscopeImpl, log: (line: string) => void = () => {}): ServedChannel {
  const dispatch = createDispatch(impl, log);
  let open = true;
  const sendEvent = (event: EventName, payload: unknown) => {
    if (open) channel.send(JSON.stringify({ kind: 'event', event, payload }));
  };
  // Session updates go at the pace the peer draws, once it says `ready` (update-pacer.ts).
  const pacer = new UpdatePacer((u: SessionUpdate) => sendEvent('session', u));
  const offMessage = channel.onMessage((text) => {
    if (text === READY_MESSAGE) return pacer.ready();
    void handleText(dispatch, text).then((reply) => {
      if (open) channel.send(JSON.stringify(reply));
    });
  });
  const offClose = channel.onClose(() => {
    open = false;
  });
  return {
    emit(event, payload) {
      if (!open) return;
      const r = events[event].safeParse(payload);
      if (!r.success) {
        log(`kscope: dropped an invalid ${event} event`);
        return;
      }
      if (event === 'session') pacer.push(r.data as SessionUpdate);
      else sendEvent(event, r.data);
    },
    close() {
      open = false;
      offMessage();
      offClose();
    },
  };
}

/** Two connected in-memory channels, asynchronous like a real socket (for tests). */
export function channelPair(): [Channel, Channel, () => void] {
  type Side = { msg: Set<(t: string) => void>; close: Set<(r: string) => void> };
  const a: Side = { msg: new Set(), close: new Set() };
  const b: Side = { msg: new Set(), close: new Set() };
  let closed = false;
  const make = (self: Side, peer: Side): Channel => ({
    send(text) {
      if (closed) throw new Error('channel closed');
      queueMicrotask(() => peer.msg.forEach((l) => l(text)));
    },
    onMessage(l) {
      self.msg.add(l);
      return () => self.msg.delete(l);
    },
    onClose(l) {
      self.close.add(l);
      return () => self.close.delete(l);
    },
  });
  const close = () => {
    if (closed) return;
    closed = true;
    [...a.close, ...b.close].forEach((l) => l('closed'));
  };
  return [make(a, b), make(b, a), close];
}
