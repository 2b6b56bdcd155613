// The server half of the contract, shared by every transport: validate the method and
// its params, call the implementation, validate the result. A bad message gets an error
// reply and reaches no implementation.
import {
  CallMessage,
  describeIssues,
  isMethodName,
  MAX_MESSAGE_BYTES,
  methods,
  type KscopeImpl,
  type ReplyMessage,
  type RpcError,
} from '../../common/contract/index.js';

export type Dispatch = (method: string, params: unknown) => Promise<{ ok: true; result: unknown } | { ok: false; error: RpcError }>;

export function createDispatch(impl: KscopeImpl, log?: (line: string) => void): Dispatch {
  return async (method, params) => {
    if (!isMethodName(method)) return { ok: false, error: { code: 'unknown-method', message: `unknown method: ${String(method).slice(0, 64)}` } };
    const spec = methods[method];
    const p = spec.params.safeParse(params);
    if (!p.success) return { ok: false, error: { code: 'bad-params', message: `${method}: ${describeIssues(p.error)}` } };
    let result: unknown;
    try {
      result = await (impl[method] as (x: unknown) => unknown)(p.data);
    } catch (e) {
      return { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } };
    }
    const r = spec.result.safeParse(result);
    if (!r.success) {
      log?.(`kscope: ${method} produced an invalid result: ${describeIssues(r.error)}`);
      return { ok: false, error: { code: 'bad-result', message: `${method}: internal error (invalid result)` } };
    }
    return { ok: true, result: r.data };
  };
}

/** Decode one text message from a channel into a reply to send back. */
export async function handleText(dispatch: Dispatch, text: string): Promise<ReplyMessage> {
  if (text.length > MAX_MESSAGE_BYTES) return badMessage(null, `message too large (${text.length} bytes; limit ${MAX_MESSAGE_BYTES})`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return badMessage(null, 'message is not valid JSON');
  }
  const call = CallMessage.safeParse(json);
  if (!call.success) {
    // Echo the id only when it is one (the reply must itself be well formed).
    const raw = (json as { id?: unknown } | null)?.id;
    const id = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : null;
    return badMessage(id, `malformed call: ${describeIssues(call.error)}`);
  }
  const { id, method, params } = call.data;
  const out = await dispatch(method, params);
  return out.ok ? { kind: 'reply', id, ok: true, result: out.result } : { kind: 'reply', id, ok: false, error: out.error };
}

function badMessage(id: number | null, message: string): ReplyMessage {
  return { kind: 'reply', id, ok: false, error: { code: 'bad-message', message } };
}
