// The wire protocol shared by every transport, and the client generated from the
// contract. Pure: no Node, no DOM, no Electron, so the renderer can import it.
import { z } from 'zod';
import {
  events,
  methods,
  methodNames,
  type EventName,
  type EventPayload,
  type KscopeApi,
  type MethodName,
} from './contract.js';
import { RPC_ERROR_CODES, type KscopeBridge } from './names.js';

/** Largest message either side accepts (a script may be up to 1 MB; JSON adds escapes). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export const CallMessage = z
  .object({
    kind: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string().max(64),
    params: z.unknown().optional(),
  })
  .strict();
export type CallMessage = z.infer<typeof CallMessage>;

export const RpcError = z.object({
  code: z.enum(RPC_ERROR_CODES),
  message: z.string(),
});
export type RpcError = z.infer<typeof RpcError>;

export const ReplyMessage = z.union([
  z.object({ kind: z.literal('reply'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    kind: z.literal('reply'),
    id: z.number().int().nullable(),
    ok: z.literal(false),
    error: RpcError,
  }),
]);
export type ReplyMessage = z.infer<typeof ReplyMessage>;

export const EventMessage = z.object({
  kind: z.literal('event'),
  event: z.string(),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof EventMessage>;

export const ServerMessage = z.union([ReplyMessage, EventMessage]);

/**
 * The one message a peer sends that is not a call: it has drawn the session updates it
 * was sent and takes the next one (flow control; the server merges what arrives meanwhile).
 * Compared as this exact text, so it costs the server no parse.
 */
export const READY_MESSAGE = '{"kind":"ready"}';

/** An error that came back from the other side, with its code. */
export class KscopeRpcError extends Error {
  constructor(
    readonly code: RpcError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'KscopeRpcError';
  }
}

/** Short, human text for a zod failure: "path: message; path: message". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** Validate an event payload; returns null (and reports) when it does not match. */
export function parseEvent<E extends EventName>(name: E, payload: unknown): EventPayload<E> | null {
  const r = events[name].safeParse(payload);
  return r.success ? (r.data as EventPayload<E>) : null;
}

/** The lowest-level call: send a method and its params, get the raw result back. */
export type Invoke = (method: MethodName, params: unknown) => Promise<unknown>;
export type Subscribe = (listener: (event: string, payload: unknown) => void) => () => void;

export type KscopeClient = KscopeApi & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Tell the server the session updates received so far are drawn (READY_MESSAGE): from the
   * first call on, it sends one merged session update per call. Absent where the transport
   * has no flow control (the Electron bridge): updates then come as the engine sends them.
   */
  ready?(): void;
};

/**
 * Generate the typed client from the contract over any invoke/subscribe pair. Params are
 * validated before they leave, results and events when they arrive.
 */
export function createClient(invoke: Invoke, subscribe: Subscribe, onInvalid?: (what: string) => void): KscopeClient {
  const client: Record<string, unknown> = {};
  for (const name of methodNames) {
    client[name] = async (params?: unknown) => {
      const p = methods[name].params.safeParse(params);
      if (!p.success) throw new KscopeRpcError('bad-params', `${name}: ${describeIssues(p.error)}`);
      const raw = await invoke(name, params);
      const r = methods[name].result.safeParse(raw);
      if (!r.success) throw new KscopeRpcError('bad-result', `${name} result: ${describeIssues(r.error)}`);
      return r.data;
    };
  }
  client.on = (event: EventName, listener: (payload: unknown) => void) =>
    subscribe((name, payload) => {
      if (name !== event) return;
      const parsed = parseEvent(event, payload);
      if (parsed === null) onInvalid?.(`invalid ${event} event dropped`);
      else listener(parsed);
    });
  return client as KscopeClient;
}

/** A reply envelope as the preload returns it (a ReplyMessage without kind and id). */
export const ReplyEnvelope = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: RpcError }),
]);

/**
 * The result of a reply envelope, or the KscopeRpcError it carries: the same error, code
 * and message, as channelClient makes from a WebSocket reply.
 */
export function unwrapReply(method: string, raw: unknown): unknown {
  const r = ReplyEnvelope.safeParse(raw);
  if (!r.success) throw new KscopeRpcError('bad-message', `${method}: malformed reply: ${describeIssues(r.error)}`);
  if (r.data.ok) return r.data.result;
  throw new KscopeRpcError(r.data.error.code, r.data.error.message);
}

/** The typed client over the Electron preload's bridge (window.kscope). */
export function bridgeClient(bridge: KscopeBridge, onInvalid?: (what: string) => void): KscopeClient {
  return createClient(
    async (method, params) => unwrapReply(method, await bridge[method](params)),
    (l) => bridge.onEvent(l),
    onInvalid,
  );
}

/** A bidirectional message pipe (WebSocket, in-memory pair, ...). Messages are JSON text. */
export interface Channel {
  send(text: string): void;
  onMessage(listener: (text: string) => void): () => void;
  onClose(listener: (reason: string) => void): () => void;
}

/** invoke/subscribe over a Channel: request ids, reply matching, event fan-out. */
export function channelClient(channel: Channel, onInvalid?: (what: string) => void): KscopeClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  channel.onMessage((text) => {
    let msg: z.infer<typeof ServerMessage>;
    try {
      const r = ServerMessage.safeParse(JSON.parse(text));
      if (!r.success) throw new Error(describeIssues(r.error));
      msg = r.data;
    } catch (e) {
      onInvalid?.(`malformed message from server: ${(e as Error).message}`);
      return;
    }
    if (msg.kind === 'event') {
      for (const l of listeners) l(msg.event, msg.payload);
      return;
    }
    if (msg.id === null) {
      onInvalid?.(`server error: ${msg.ok ? '' : msg.error.message}`);
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new KscopeRpcError(msg.error.code, msg.error.message));
  });
  channel.onClose((reason) => {
    for (const p of pending.values()) p.reject(new KscopeRpcError('closed', `connection closed: ${reason}`));
    pending.clear();
  });
  const invoke: Invoke = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const msg: CallMessage = { kind: 'call', id, method, params };
      try {
        channel.send(JSON.stringify(msg));
      } catch (e) {
        pending.delete(id);
        reject(new KscopeRpcError('closed', (e as Error).message));
      }
    });
  const subscribe: Subscribe = (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  const client = createClient(invoke, subscribe, onInvalid);
  client.ready = () => {
    try {
      channel.send(READY_MESSAGE);
    } catch {
      // closed: the close listeners report it
    }
  };
  return client;
}
