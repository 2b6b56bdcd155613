// The privileged helper's protocol (version 1): what the engine may ask a root process to
// do, and nothing more. Framing is binary so bpftrace's output is relayed as raw bytes at
// full rate (no JSON/base64 per chunk):
//
//   frame   = length:u32be kind:u8 id:u32be payload      (length counts kind+id+payload)
//   request = jsonLength:u32be json body                   (kind 'Q'; body = script bytes of a run)
//
// Engine → helper: 'Q' requests (id ≥ 1, chosen by the engine). Helper → engine: 'R' the
// reply to request `id` (id 0 when the frame was too broken to carry one), 'O'/'E' a run's
// stdout/stderr bytes, 'X' its exit (JSON). A run's id is the id of its `run` request.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
/** Largest frame the helper accepts; larger ones are skipped unread and refused. */
export const MAX_REQUEST_FRAME = 2 * 1024 * 1024;
export const MAX_SCRIPT_BYTES = 1024 * 1024;
/** What the engine accepts from the helper (listProbes replies can be a few MB). */
export const MAX_HELPER_FRAME = 64 * 1024 * 1024;
export const FRAME_HEADER = 9;

export const Kind = { request: 0x51, reply: 0x52, stdout: 0x4f, stderr: 0x45, exit: 0x58 } as const;

const Version = z.literal(PROTOCOL_VERSION);
/** No NUL (it would cut an argv string) and bounded like the contract's RunOptions.args. */
const Arg = z.string().max(4096).refine((s) => !s.includes('\0'), 'NUL in argument');

export const HelperRunOptions = z.strictObject({
  /** -f json (the engine's decoders) or bpftrace's text output. */
  format: z.enum(['json', 'text']).default('json'),
  /** Positional arguments ($1, $2, ...), always passed after `--` so none is read as an option. */
  args: z.array(Arg).max(64).default([]),
  /** -p PID (attach to one process; a PID is no privilege: bpftrace as root can trace any). */
  pid: z.int().min(1).max(4_194_304).optional(),
  /** BPFTRACE_MAP_KEYS_MAX. */
  mapKeysMax: z.int().min(1).max(10_000_000).optional(),
  unsafe: z.boolean().default(false),
  /** The user's explicit consent for this run; --unsafe is refused without it. */
  unsafeConsent: z.boolean().default(false),
});
export type HelperRunOptions = z.infer<typeof HelperRunOptions>;
export type HelperRunOptionsInput = z.input<typeof HelperRunOptions>;

export const HelloRequest = z.strictObject({ v: Version, method: z.literal('hello') });
/** The script is the frame's body (bytes), never a path: the helper writes it to its own file. */
export const RunRequest = z.strictObject({ v: Version, method: z.literal('run'), options: HelperRunOptions });
export const SignalName = z.enum(['INT', 'TERM', 'KILL', 'USR1']);
export type SignalName = z.infer<typeof SignalName>;
export const SignalRequest = z.strictObject({ v: Version, method: z.literal('signal'), run: z.int().min(1).max(0xffffffff), signal: SignalName });
/** bpftrace -l PATTERN: a probe pattern, never something that looks like an option. */
export const ListProbesRequest = z.strictObject({
  v: Version,
  method: z.literal('listProbes'),
  pattern: z.string().min(1).max(1024).regex(/^[A-Za-z0-9_*?:./[\]{},+@$ -]+$/, 'not a probe pattern').refine((p) => !p.startsWith('-'), 'a pattern cannot start with -'),
});
export const CapabilitiesRequest = z.strictObject({ v: Version, method: z.literal('capabilities') });
export const HelperRequest = z.discriminatedUnion('method', [HelloRequest, RunRequest, SignalRequest, ListProbesRequest, CapabilitiesRequest]);
export type HelperRequest = z.infer<typeof HelperRequest>;
export type HelperRequestInput = z.input<typeof HelperRequest>;
export const METHODS = ['hello', 'run', 'signal', 'listProbes', 'capabilities'] as const;

export const ErrorCode = z.enum(['malformed', 'too-large', 'version', 'unknown-method', 'bad-request', 'unsafe-without-consent', 'script-path', 'no-bpftrace', 'no-such-run', 'failed']);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const HelloResult = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  pid: z.int(),
  uid: z.int(),
  bpftrace: z.object({ path: z.string(), version: z.string() }).nullable(),
  /** The signal this helper gets when its parent dies (9: SIGKILL). */
  parentDeathSignal: z.int(),
});
export type HelloResult = z.infer<typeof HelloResult>;
export const RunResult = z.object({ run: z.int(), pid: z.int() });
export const ListProbesResult = z.object({ stdout: z.string(), stderr: z.string(), code: z.int().nullable() });
export type ListProbesResult = z.infer<typeof ListProbesResult>;
export const CapabilitiesResult = z.object({
  uid: z.int(),
  effectiveCapabilities: z.array(z.string()).nullable(),
  bpftrace: z.object({ path: z.string(), version: z.string() }).nullable(),
  /** bpftrace --info (text; says "kprobe: yes" even where kprobes are absent: evidence, not truth). */
  info: z.string(),
  /** What root can read here: file → readable. */
  readable: z.record(z.string(), z.boolean()),
  lockdown: z.string().nullable(),
});
export type CapabilitiesResult = z.infer<typeof CapabilitiesResult>;

export const Reply = z.union([
  z.strictObject({ ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: ErrorCode, message: z.string() }) }),
]);
export type Reply = z.infer<typeof Reply>;
export const ExitInfo = z.strictObject({ code: z.int().nullable(), signal: z.string().nullable(), error: z.string().optional() });
export type ExitInfo = z.infer<typeof ExitInfo>;

// ---- framing -------------------------------------------------------------------------

export function encodeFrame(kind: number, id: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  b.writeUInt32BE(5 + payload.length, 0);
  b.writeUInt8(kind, 4);
  b.writeUInt32BE(id >>> 0, 5);
  b.set(payload, FRAME_HEADER);
  return b;
}

/** The 9-byte header alone, for writing a large payload without copying it. */
export function frameHeader(kind: number, id: number, payloadLength: number): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER);
  b.writeUInt32BE(5 + payloadLength, 0);
  b.writeUInt8(kind, 4);
  b.writeUInt32BE(id >>> 0, 5);
  return b;
}

export function encodeRequest(id: number, req: unknown, body: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(JSON.stringify(req));
  const payload = Buffer.allocUnsafe(4 + json.length + body.length);
  payload.writeUInt32BE(json.length, 0);
  json.copy(payload, 4);
  payload.set(body, 4 + json.length);
  return encodeFrame(Kind.request, id, payload);
}

export function encodeJsonFrame(kind: number, id: number, value: unknown): Buffer {
  return encodeFrame(kind, id, Buffer.from(JSON.stringify(value)));
}

export type FrameEvent =
  | { type: 'frame'; kind: number; id: number; payload: Buffer }
  /** Declared longer than the limit: its bytes are skipped as they arrive, never buffered. */
  | { type: 'too-large'; kind: number; id: number; length: number }
  /** A length too small to hold kind and id. */
  | { type: 'malformed'; length: number };

/** Incremental frame parser over a byte stream. Payloads are views into the input. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private skip = 0;

  constructor(private readonly maxLength: number) {}

  push(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
    }
    let b = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let off = 0;
    while (b.length - off >= 4) {
      const length = b.readUInt32BE(off);
      if (length < 5) {
        // Too short for kind and id, but still a length: skip that many bytes to stay in step.
        if (b.length - off < 4 + length) break;
        out.push({ type: 'malformed', length });
        off += 4 + length;
        continue;
      }
      if (b.length - off < FRAME_HEADER) break;
      const kind = b.readUInt8(off + 4);
      const id = b.readUInt32BE(off + 5);
      if (length > this.maxLength) {
        out.push({ type: 'too-large', kind, id, length });
        const have = b.length - off - 4;
        if (have >= length) off += 4 + length;
        else {
          this.skip = length - have;
          off = b.length;
        }
        continue;
      }
      if (b.length - off < 4 + length) break;
      out.push({ type: 'frame', kind, id, payload: b.subarray(off + FRAME_HEADER, off + 4 + length) });
      off += 4 + length;
    }
    b = b.subarray(off);
    this.buf = b.length === 0 ? Buffer.alloc(0) : b;
    return out;
  }

  /** Bytes of an unfinished frame (or still to skip) when the stream ends: a truncated frame. */
  pendingBytes(): number {
    return this.buf.length + this.skip;
  }
}

export type ParsedRequest =
  | { ok: true; request: HelperRequest; body: Buffer }
  | { ok: false; code: ErrorCode; message: string; method?: string };

const PATH_KEYS = ['script', 'scriptPath', 'path', 'file', 'scriptFile'];

/** A request frame's payload → a validated request, or why it is refused. Never throws. */
export function parseRequest(payload: Buffer): ParsedRequest {
  if (payload.length < 4) return { ok: false, code: 'malformed', message: 'truncated request: no JSON length' };
  const jsonLength = payload.readUInt32BE(0);
  if (jsonLength > payload.length - 4) return { ok: false, code: 'malformed', message: `truncated request: JSON of ${jsonLength} bytes declared, ${payload.length - 4} present` };
  let value: unknown;
  try {
    value = JSON.parse(payload.subarray(4, 4 + jsonLength).toString('utf8'));
  } catch (e) {
    return { ok: false, code: 'malformed', message: `request is not JSON: ${(e as Error).message}` };
  }
  const body = payload.subarray(4 + jsonLength);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, code: 'malformed', message: 'request must be a JSON object' };
  const obj = value as Record<string, unknown>;
  if (obj.v !== PROTOCOL_VERSION) return { ok: false, code: 'version', message: `unsupported protocol version ${JSON.stringify(obj.v)}; this helper speaks ${PROTOCOL_VERSION}` };
  const method = obj.method;
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
    return { ok: false, code: 'unknown-method', message: `unknown method ${JSON.stringify(method)}; known: ${METHODS.join(', ')}` };
  }
  if (method === 'run') {
    const pathKey = PATH_KEYS.find((k) => k in obj || (typeof obj.options === 'object' && obj.options !== null && k in obj.options));
    if (pathKey) return { ok: false, code: 'script-path', message: `the script must be sent as bytes (the frame's body), not as "${pathKey}"`, method };
  }
  const parsed = HelperRequest.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, code: 'bad-request', message: `bad ${method} request: ${issue.path.join('.') || '(root)'}: ${issue.message}`, method };
  }
  const request = parsed.data;
  if (request.method === 'run') {
    if (body.length === 0) return { ok: false, code: 'bad-request', message: 'run: the script (frame body) is empty', method };
    if (body.length > MAX_SCRIPT_BYTES) return { ok: false, code: 'too-large', message: `run: script of ${body.length} bytes; at most ${MAX_SCRIPT_BYTES}`, method };
    if (request.options.unsafe && !request.options.unsafeConsent) {
      return { ok: false, code: 'unsafe-without-consent', message: 'run: --unsafe was asked without the user\'s consent for this run (unsafeConsent)', method };
    }
  } else if (body.length > 0) return { ok: false, code: 'bad-request', message: `${method} takes no body (${body.length} bytes sent)`, method };
  return { ok: true, request, body };
}
