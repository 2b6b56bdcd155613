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
//
// Output by descriptor (hello's `outputFd`, a run's `output: 'fd'`): when the helper's stdin
// is a unix socket and it has the native addon, it can give bpftrace's stdout pipe to the
// engine instead of relaying it: it sends the pipe's read end over stdin (SCM_RIGHTS, tagged
// with the run id) before its reply, which then says `output: 'fd'` and the pipe's size. No
// 'O' frame follows for that run; stderr and the exit still come as frames. Otherwise (or
// when the request does not ask) the output is relayed as before.
//
// The helper runs as root and is bundled on its own: no zod here (or anywhere it imports),
// only the small validators below, so its bundle stays small enough to read.

export const PROTOCOL_VERSION = 1;
/** Largest frame the helper accepts; larger ones are skipped unread and refused. */
export const MAX_REQUEST_FRAME = 2 * 1024 * 1024;
/** The one script-size limit, shared with the engine, the CLI and diagnose. */
export { MAX_SCRIPT_BYTES } from '../node/engine/script-limits.js';
import { MAX_SCRIPT_BYTES } from '../node/engine/script-limits.js';
/** What the engine accepts from the helper. */
export const MAX_HELPER_FRAME = 64 * 1024 * 1024;
export const FRAME_HEADER = 9;

export const Kind = { request: 0x51, reply: 0x52, stdout: 0x4f, stderr: 0x45, exit: 0x58 } as const;

export interface HelperRunOptions {
  /** -f json (the engine's decoders) or bpftrace's text output. */
  format: 'json' | 'text';
  /** Positional arguments ($1, $2, ...), always passed after `--` so none is read as an option. */
  args: string[];
  /** -p PID (attach to one process; a PID is no privilege: bpftrace as root can trace any). */
  pid?: number;
  /** BPFTRACE_MAP_KEYS_MAX. */
  mapKeysMax?: number;
  /**
   * Pass --unsafe. A request for it, never consent: the helper honours it only when it was
   * started through the unsafe polkit action (which always asks), for one run.
   */
  unsafe: boolean;
  /** 'fd': give the engine bpftrace's stdout pipe (see above), when this helper can; default 'relay'. */
  output?: 'relay' | 'fd';
}
export type HelperRunOptionsInput = Partial<HelperRunOptions>;

export type SignalName = 'INT' | 'TERM' | 'KILL' | 'USR1';
export const SIGNAL_NAMES: readonly SignalName[] = ['INT', 'TERM', 'KILL', 'USR1'];

export type HelperRequest =
  | { v: 1; method: 'hello' }
  /** The script is the frame's body (bytes), never a path: the helper writes it to its own file. */
  | { v: 1; method: 'run'; options: HelperRunOptions }
  | { v: 1; method: 'signal'; run: number; signal: SignalName };
export type HelperRequestInput = { v: number; method: 'hello' } | { v: number; method: 'run'; options: HelperRunOptionsInput } | { v: number; method: 'signal'; run: number; signal: SignalName };
export const METHODS = ['hello', 'run', 'signal'] as const;

export const ERROR_CODES = ['malformed', 'too-large', 'version', 'unknown-method', 'bad-request', 'unsafe-without-consent', 'script-path', 'no-bpftrace', 'no-such-run', 'failed'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface HelloResult {
  protocol: 1;
  pid: number;
  uid: number;
  bpftrace: { path: string; version: string } | null;
  /** The signal this helper gets when its parent dies (9: SIGKILL; 0 without the native addon). */
  parentDeathSignal: number;
  /** Started through the unsafe action: one run, which may use --unsafe. */
  unsafe: boolean;
  /** Can pass a run's stdout pipe to the engine (absent from helpers before it). */
  outputFd?: boolean;
}
export interface RunResult {
  run: number;
  pid: number;
  /** 'fd': the pipe's read end was sent on stdin before this reply; absent or 'relay': 'O' frames. */
  output?: 'relay' | 'fd';
  /** The pipe's capacity (output 'fd'). */
  pipeBytes?: number;
}
export type Reply = { ok: true; result: unknown } | { ok: false; error: { code: ErrorCode; message: string } };
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  error?: string;
}

// ---- tiny validators ------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown, min: number, max: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
/** The keys of `o` not in `allowed` (a strict object has none). */
const extraKeys = (o: Obj, allowed: readonly string[]) => Object.keys(o).filter((k) => !allowed.includes(k));
class Invalid extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
function strict(o: Obj, allowed: readonly string[], at: string): void {
  const extra = extraKeys(o, allowed);
  if (extra.length) throw new Invalid(at, `unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
}

function runOptions(x: unknown): HelperRunOptions {
  if (x === undefined) x = {};
  if (!isObj(x)) throw new Invalid('options', 'expected an object');
  strict(x, ['format', 'args', 'mapKeysMax', 'unsafe', 'pid', 'output'], 'options');
  const format = x.format === undefined ? 'json' : x.format; // null is not absent
  if (format !== 'json' && format !== 'text') throw new Invalid('options.format', 'expected "json" or "text"');
  const args = x.args === undefined ? [] : x.args;
  if (!Array.isArray(args) || args.length > 64) throw new Invalid('options.args', 'expected at most 64 strings');
  args.forEach((a, i) => {
    // No NUL (it would cut an argv string) and bounded like the contract's RunOptions.args.
    if (typeof a !== 'string' || a.length > 4096 || a.includes('\0')) throw new Invalid(`options.args.${i}`, 'expected a string of at most 4096 characters without NUL');
  });
  if (x.mapKeysMax !== undefined && !isInt(x.mapKeysMax, 1, 10_000_000)) throw new Invalid('options.mapKeysMax', 'expected an integer from 1 to 10000000');
  if (x.pid !== undefined && !isInt(x.pid, 1, 4_194_304)) throw new Invalid('options.pid', 'expected a process id from 1 to 4194304');
  const unsafe = x.unsafe === undefined ? false : x.unsafe;
  if (typeof unsafe !== 'boolean') throw new Invalid('options.unsafe', 'expected a boolean');
  if (x.output !== undefined && x.output !== 'relay' && x.output !== 'fd') throw new Invalid('options.output', 'expected "relay" or "fd"');
  return {
    format,
    args: args as string[],
    ...(x.mapKeysMax !== undefined ? { mapKeysMax: x.mapKeysMax as number } : {}),
    ...(x.pid !== undefined ? { pid: x.pid as number } : {}),
    unsafe,
    ...(x.output === 'fd' ? { output: 'fd' as const } : {}),
  };
}

/** A request object (method already known to be in METHODS) → the request, or throws Invalid. */
function validateRequest(o: Obj): HelperRequest {
  switch (o.method) {
    case 'hello':
      strict(o, ['v', 'method'], '(root)');
      return { v: 1, method: 'hello' };
    case 'run':
      strict(o, ['v', 'method', 'options'], '(root)');
      return { v: 1, method: 'run', options: runOptions(o.options) };
    default: {
      strict(o, ['v', 'method', 'run', 'signal'], '(root)');
      if (!isInt(o.run, 1, 0xffffffff)) throw new Invalid('run', 'expected a run id (an integer ≥ 1)');
      if (!(SIGNAL_NAMES as readonly unknown[]).includes(o.signal)) throw new Invalid('signal', `expected one of ${SIGNAL_NAMES.join(', ')}`);
      return { v: 1, method: 'signal', run: o.run, signal: o.signal as SignalName };
    }
  }
}

/** Parse-or-throw / safe-parse pairs for what the engine reads from the helper. */
function checker<T>(name: string, check: (x: unknown) => x is T) {
  return {
    parse(x: unknown): T {
      if (!check(x)) throw new Error(`the helper sent a malformed ${name}`);
      return x;
    },
    safeParse(x: unknown): { success: true; data: T } | { success: false } {
      return check(x) ? { success: true, data: x } : { success: false };
    },
  };
}
const isBpftraceInfo = (x: unknown) => x === null || (isObj(x) && typeof x.path === 'string' && typeof x.version === 'string');
export const HelloResult = checker<HelloResult>('hello', (x): x is HelloResult => isObj(x) && x.protocol === PROTOCOL_VERSION && isInt(x.pid, 0, 2 ** 32) && isInt(x.uid, -1, 2 ** 32) && isBpftraceInfo(x.bpftrace) && isInt(x.parentDeathSignal, 0, 64) && typeof x.unsafe === 'boolean' && (x.outputFd === undefined || typeof x.outputFd === 'boolean'));
export const RunResult = checker<RunResult>(
  'run reply',
  (x): x is RunResult =>
    isObj(x) &&
    isInt(x.run, 0, 2 ** 32) &&
    isInt(x.pid, 0, 2 ** 32) &&
    (x.output === undefined || x.output === 'relay' || x.output === 'fd') &&
    (x.pipeBytes === undefined || isInt(x.pipeBytes, 4096, 2 ** 31)) &&
    (x.output !== 'fd' || x.pipeBytes !== undefined),
);
export const Reply = checker<Reply>('reply', (x): x is Reply => {
  if (!isObj(x)) return false;
  if (x.ok === true) return extraKeys(x, ['ok', 'result']).length === 0 && 'result' in x;
  if (x.ok !== false || extraKeys(x, ['ok', 'error']).length || !isObj(x.error)) return false;
  const e = x.error;
  return extraKeys(e, ['code', 'message']).length === 0 && (ERROR_CODES as readonly unknown[]).includes(e.code) && typeof e.message === 'string';
});
export const ExitInfo = checker<ExitInfo>('exit', (x): x is ExitInfo => isObj(x) && extraKeys(x, ['code', 'signal', 'error']).length === 0 && (x.code === null || isInt(x.code, -(2 ** 31), 2 ** 31)) && (x.signal === null || typeof x.signal === 'string') && (x.error === undefined || typeof x.error === 'string'));

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
  let request: HelperRequest;
  try {
    request = validateRequest(obj);
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    return { ok: false, code: 'bad-request', message: `bad ${method} request: ${e.path}: ${e.message}`, method };
  }
  if (request.method === 'run') {
    if (body.length === 0) return { ok: false, code: 'bad-request', message: 'run: the script (frame body) is empty', method };
    if (body.length > MAX_SCRIPT_BYTES) return { ok: false, code: 'too-large', message: `run: script of ${body.length} bytes; at most ${MAX_SCRIPT_BYTES}`, method };
  } else if (body.length > 0) return { ok: false, code: 'bad-request', message: `${method} takes no body (${body.length} bytes sent)`, method };
  return { ok: true, request, body };
}
