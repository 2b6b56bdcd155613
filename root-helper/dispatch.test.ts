import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Dispatcher, SCRIPT_FILE, type HelperDeps, type RunSink, type RunSpawnSpec } from './dispatch.js';
import { FrameReader, Kind, MAX_REQUEST_FRAME, MAX_SCRIPT_BYTES, Reply, encodeFrame, encodeRequest, type SignalName } from './protocol.js';

// An independent oracle of what the helper accepts: the protocol as zod schemas, here in the
// test only (the helper itself validates by hand, so zod stays out of the root bundle).
const Version = z.literal(1);
const Arg = z.string().max(4096).refine((s) => !s.includes('\0'));
const HelloRequest = z.strictObject({ v: Version, method: z.literal('hello') });
const RunRequest = z.strictObject({
  v: Version,
  method: z.literal('run'),
  options: z.strictObject({ format: z.enum(['json', 'text']).default('json'), args: z.array(Arg).max(64).default([]), mapKeysMax: z.int().min(1).max(10_000_000).optional(), unsafe: z.boolean().default(false) }).default({ format: 'json', args: [], unsafe: false }),
});
const SignalRequest = z.strictObject({ v: Version, method: z.literal('signal'), run: z.int().min(1).max(0xffffffff), signal: z.enum(['INT', 'TERM', 'KILL', 'USR1']) });
const HelperRequest = z.discriminatedUnion('method', [HelloRequest, RunRequest, SignalRequest]);

interface Sent {
  kind: number;
  id: number;
  body: unknown;
}

/** A dispatcher behind a FrameReader, as the helper has it, with a counting fake spawner. */
function harness(unsafeAllowed = false, outputFd = false) {
  const sent: Sent[] = [];
  const spawns: RunSpawnSpec[] = [];
  const sinks = new Map<number, RunSink>();
  const kills: { pid: number; sig: SignalName }[] = [];
  let pid = 1000;
  const deps: HelperDeps = {
    bpftrace: () => ({ path: '/usr/bin/bpftrace', version: '0.17.0' }),
    spawnRun: (spec, sink) => {
      spawns.push(spec);
      const p = ++pid;
      sinks.set(p, sink);
      // A helper that can pass descriptors gives the pipe away whenever the spec asks.
      return { pid: p, kill: (sig) => (kills.push({ pid: p, sig }), true), ...(spec.outputFd ? { outputPipeBytes: 1048576 } : {}) };
    },
    identity: () => ({ pid: 1, uid: 0, parentDeathSignal: 9 }),
    unsafeAllowed,
    outputFd,
    send: (f) => {
      const r = new FrameReader(Infinity).push(f);
      for (const e of r) if (e.type === 'frame') sent.push({ kind: e.kind, id: e.id, body: e.kind === Kind.stdout || e.kind === Kind.stderr ? e.payload.toString() : JSON.parse(e.payload.toString()) });
    },
  };
  const d = new Dispatcher(deps);
  const reader = new FrameReader(MAX_REQUEST_FRAME);
  const push = (bytes: Buffer) => {
    for (const ev of reader.push(bytes)) d.handle(ev);
  };
  /** Replies sent from `from` (an index into `sent`) on. */
  const replies = (from = 0) =>
    sent
      .slice(from)
      .filter((s) => s.kind === Kind.reply)
      .map((s) => ({ id: s.id, ...Reply.parse(s.body) }));
  return { d, push, sent, spawns, sinks, kills, replies, reader };
}

const script = Buffer.from('BEGIN { printf("hi\\n"); exit(); }');

describe('the helper dispatcher', () => {
  it('hello answers the protocol version and who it is', () => {
    const h = harness();
    h.push(encodeRequest(1, { v: 1, method: 'hello' }));
    expect(h.replies()).toEqual([{ id: 1, ok: true, result: { protocol: 1, pid: 1, uid: 0, parentDeathSignal: 9, unsafe: false, outputFd: false, bpftrace: { path: '/usr/bin/bpftrace', version: '0.17.0' } } }]);
  });

  it("output 'fd': asked for and possible, the spec carries the run id as the tag and the reply says fd with the pipe's size; otherwise relayed", () => {
    const can = harness(false, true);
    can.push(encodeRequest(1, { v: 1, method: 'hello' }));
    expect(can.replies()[0]).toMatchObject({ ok: true, result: { outputFd: true } });
    can.push(encodeRequest(7, { v: 1, method: 'run', options: { output: 'fd' } }, script));
    expect(can.spawns[0].outputFd).toEqual({ tag: 7 });
    expect(can.replies(1)).toEqual([{ id: 7, ok: true, result: { run: 7, pid: 1001, output: 'fd', pipeBytes: 1048576 } }]);
    // Not asked: relayed, even though it could.
    can.push(encodeRequest(8, { v: 1, method: 'run', options: {} }, script));
    expect(can.spawns[1].outputFd).toBeUndefined();
    expect(can.replies(2)).toEqual([{ id: 8, ok: true, result: { run: 8, pid: 1002 } }]);
    // Asked, but this helper cannot (no addon, or stdin is not a socket): relayed, and the reply says so by omission.
    const cannot = harness(false, false);
    cannot.push(encodeRequest(9, { v: 1, method: 'run', options: { output: 'fd' } }, script));
    expect(cannot.spawns[0].outputFd).toBeUndefined();
    expect(cannot.replies()).toEqual([{ id: 9, ok: true, result: { run: 9, pid: 1001 } }]);
    // Anything else is refused before a spawn.
    cannot.push(encodeRequest(10, { v: 1, method: 'run', options: { output: 'socket' } }, script));
    expect(cannot.replies(1)).toMatchObject([{ id: 10, ok: false, error: { code: 'bad-request', message: expect.stringMatching(/options\.output/) } }]);
    expect(cannot.spawns).toHaveLength(1);
  });

  it('run: the script as bytes, positional args after --, a clean environment; output relayed under the run id', () => {
    const h = harness();
    h.push(encodeRequest(5, { v: 1, method: 'run', options: { args: ['-o', '/etc/passwd'], mapKeysMax: 5000 } }, script));
    expect(h.spawns).toHaveLength(1);
    const spec = h.spawns[0];
    expect(spec.argv).toEqual(['-f', 'json', '--', SCRIPT_FILE, '-o', '/etc/passwd']);
    expect(spec.script.equals(script)).toBe(true);
    expect(spec.env).toEqual({ PATH: '/usr/sbin:/usr/bin:/sbin:/bin', BPFTRACE_COLOR: 'never', LANG: 'C.UTF-8', BPFTRACE_MAP_KEYS_MAX: '5000' });
    expect(h.replies()).toEqual([{ id: 5, ok: true, result: { run: 5, pid: 1001 } }]);
    const sink = h.sinks.get(1001)!;
    sink.stdout(Buffer.from('{"type": "printf"}\n'));
    sink.stderr(Buffer.from('WARNING: x\n'));
    sink.exit({ code: 0, signal: null });
    expect(h.sent.slice(1)).toEqual([
      { kind: Kind.stdout, id: 5, body: '{"type": "printf"}\n' },
      { kind: Kind.stderr, id: 5, body: 'WARNING: x\n' },
      { kind: Kind.exit, id: 5, body: { code: 0, signal: null } },
    ]);
    expect(h.d.activeRuns).toBe(0);
  });

  it('--unsafe: never from the request alone; a helper started unsafe runs it once', () => {
    const h = harness();
    h.push(encodeRequest(1, { v: 1, method: 'run', options: { unsafe: true } }, script));
    expect(h.replies()[0]).toMatchObject({ ok: false, error: { code: 'unsafe-without-consent', message: /org\.kscope\.run-bpftrace-unsafe/ } });
    // The old field that let a caller assert its own consent is now an unknown key.
    h.push(encodeRequest(2, { v: 1, method: 'run', options: { unsafe: true, unsafeConsent: true } }, script));
    expect(h.replies()[1]).toMatchObject({ ok: false, error: { code: 'bad-request', message: /unknown key "unsafeConsent"/ } });
    expect(h.spawns).toHaveLength(0);
    const u = harness(true);
    u.push(encodeRequest(1, { v: 1, method: 'hello' }));
    expect(u.replies()[0]).toMatchObject({ ok: true, result: { unsafe: true } });
    u.push(encodeRequest(2, { v: 1, method: 'run', options: { unsafe: true } }, script));
    expect(u.spawns[0].argv).toEqual(['-f', 'json', '--unsafe', '--', SCRIPT_FILE]);
    u.push(encodeRequest(3, { v: 1, method: 'run', options: { unsafe: true } }, script));
    expect(u.replies().at(-1)).toMatchObject({ ok: false, error: { message: /one unsafe run/ } });
    expect(u.spawns).toHaveLength(1);
  });

  it('signal goes to its own run only', () => {
    const h = harness();
    h.push(encodeRequest(3, { v: 1, method: 'run', options: {} }, script));
    h.push(encodeRequest(4, { v: 1, method: 'signal', run: 3, signal: 'USR1' }));
    h.push(encodeRequest(6, { v: 1, method: 'signal', run: 99, signal: 'KILL' }));
    expect(h.kills).toEqual([{ pid: 1001, sig: 'USR1' }]);
    expect(h.replies().slice(1)).toEqual([
      { id: 4, ok: true, result: { sent: true } },
      { id: 6, ok: false, error: { code: 'no-such-run', message: 'no run 99 is going' } },
    ]);
    h.d.killAll();
    expect(h.kills.at(-1)).toEqual({ pid: 1001, sig: 'KILL' });
  });

  it('a 100 MB script is refused with an error reply, and the next request is answered', () => {
    const h = harness();
    const size = 100 * 1024 * 1024;
    const json = Buffer.from(JSON.stringify({ v: 1, method: 'run', options: {} }));
    const head = Buffer.alloc(13);
    head.writeUInt32BE(5 + 4 + json.length + size, 0);
    head.writeUInt8(Kind.request, 4);
    head.writeUInt32BE(9, 5);
    head.writeUInt32BE(json.length, 9);
    h.push(Buffer.concat([head, json]));
    const mb = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 100; i++) h.push(mb); // streamed like a pipe: never held whole
    h.push(encodeRequest(10, { v: 1, method: 'hello' }));
    expect(h.replies().map((r) => [r.id, r.ok, r.ok ? null : r.error.code])).toEqual([
      [9, false, 'too-large'],
      [10, true, null],
    ]);
    expect(h.spawns).toHaveLength(0);
  });

  it('listProbes and capabilities are gone (nobody called them); a request id of 0 or a non-request frame is refused', () => {
    const h = harness();
    h.push(encodeRequest(1, { v: 1, method: 'listProbes', pattern: 'tracepoint:sched:*' }));
    h.push(encodeRequest(3, { v: 1, method: 'capabilities' }));
    h.push(encodeRequest(0, { v: 1, method: 'hello' }));
    h.push(encodeFrame(Kind.stdout, 2, Buffer.from('x')));
    expect(h.replies()).toEqual([
      { id: 1, ok: false, error: { code: 'unknown-method', message: 'unknown method "listProbes"; known: hello, run, signal' } },
      { id: 3, ok: false, error: { code: 'unknown-method', message: 'unknown method "capabilities"; known: hello, run, signal' } },
      { id: 0, ok: false, error: { code: 'malformed', message: 'request id 0 is reserved' } },
      { id: 2, ok: false, error: { code: 'malformed', message: 'frame kind 0x4f is not a request' } },
    ]);
  });
});

// ---- fuzzing: ≥ 10k malformed requests, generated from the schemas ---------------------

const VARIANTS = [HelloRequest, RunRequest, SignalRequest] as const;

/** A valid value for each field of a variant's shape (the starting point of a mutation). */
const validOf: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  hello: fc.constant({ v: 1, method: 'hello' }),
  run: fc.record({ v: fc.constant(1), method: fc.constant('run'), options: fc.record({ args: fc.array(fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0')), { maxLength: 3 }), unsafe: fc.constant(false) }) }),
  signal: fc.record({ v: fc.constant(1), method: fc.constant('signal'), run: fc.integer({ min: 1, max: 1000 }), signal: fc.constantFrom('INT', 'TERM', 'KILL', 'USR1') }),
};

const wrongValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -2, max: 2 ** 33 }),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 5000, maxLength: 5000 }), // oversized
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.anything(), { maxKeys: 3 }),
);

/** Mutations of a valid request: a field removed, retyped or added; version or method wrong; bad options. */
const mutated: fc.Arbitrary<{ req: unknown; body: Uint8Array }> = fc
  .constantFrom(...VARIANTS)
  .chain((schema) => {
    const method = (schema.shape.method as z.ZodLiteral<string>).value;
    const keys = Object.keys(schema.shape);
    return fc.tuple(validOf[method], fc.constantFrom(...keys), wrongValue, fc.string({ minLength: 1, maxLength: 12 }), fc.nat(9)).map(([valid, key, value, extraKey, how]) => {
      const req: Record<string, unknown> = { ...valid };
      if (how === 0) delete req[key];
      else if (how <= 3) req[key] = value;
      else if (how === 4) req[extraKey in req ? `${extraKey}_x` : extraKey] = value;
      else if (how === 5 && method === 'run') req.options = { ...(req.options as object), unsafe: true }; // a request is not consent
      else if (how === 5) req.v = value;
      else if (how === 6 && method === 'run') req.options = { ...(req.options as object), [['format', 'args', 'mapKeysMax'][Number(value !== null) + (typeof value === 'string' ? 1 : 0)]]: value };
      else if (how === 6) req.method = `${method}${extraKey}`;
      else if (how === 7 && method === 'run') req.scriptPath = '/tmp/evil.bt';
      else req[key] = value;
      const body = method === 'run' && how === 8 ? new Uint8Array(0) : method === 'run' ? Buffer.from('BEGIN {}') : how === 9 ? Buffer.from('extra') : new Uint8Array(0);
      return { req, body };
    });
  })
  // Keep only what the schema (and the run rules) really refuse: the ground truth is zod's.
  .filter(({ req, body }) => {
    const p = HelperRequest.safeParse(JSON.parse(JSON.stringify(req))); // what crosses the pipe
    if (!p.success) return true;
    if (p.data.method !== 'run') return body.length > 0;
    return body.length === 0 || p.data.options.unsafe; // this helper was not started unsafe
  });

/** Whole frames of other sorts: random payloads, random JSON, truncated JSON lengths, wrong kinds. */
const rawFrame: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((p) => encodeFrame(Kind.request, 0, p)),
  fc.json().map((j) => encodeRequest(0, JSON.parse(j))),
  fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.uint8Array({ maxLength: 50 })).map(([extra, p]) => {
    const b = Buffer.alloc(4 + p.length);
    b.writeUInt32BE(p.length + extra, 0); // JSON length past the payload: truncated
    Buffer.from(p).copy(b, 4);
    return encodeFrame(Kind.request, 0, b);
  }),
  fc.tuple(fc.constantFrom(Kind.reply, Kind.stdout, Kind.exit, 0, 255), fc.uint8Array({ maxLength: 30 })).map(([k, p]) => encodeFrame(k, 0, p)),
  fc.integer({ min: MAX_REQUEST_FRAME + 1, max: 2 ** 32 - 1 }).map((len) => {
    const b = Buffer.alloc(9);
    b.writeUInt32BE(len, 0);
    b.writeUInt8(Kind.request, 4);
    return b; // declared oversized; its bytes are skipped (the next frames start inside the skip)
  }),
);

describe('fuzzing the helper protocol', () => {
  let codes: Record<string, number> = {};
  it('10,000 malformed requests from the schemas: an error reply each, no bpftrace started, still answering', () => {
    const h = harness();
    let id = 0;
    const tally: Record<string, number> = {};
    fc.assert(
      fc.property(mutated, ({ req, body }) => {
        id++;
        const before = h.sent.length;
        h.push(encodeRequest(id, req, body));
        const got = h.replies(before);
        expect(got).toHaveLength(1);
        expect(got[0]).toMatchObject({ id, ok: false });
        const code = got[0].ok ? '' : got[0].error.code;
        tally[code] = (tally[code] ?? 0) + 1;
        expect(h.spawns).toHaveLength(0);
      }),
      { numRuns: 10_000 },
    );
    codes = tally;
    expect(id).toBeGreaterThanOrEqual(10_000);
    const before = h.sent.length;
    h.push(encodeRequest(id + 1, { v: 1, method: 'hello' }));
    expect(h.replies(before).at(-1)).toMatchObject({ id: id + 1, ok: true });
    // Every kind of refusal was exercised, not one door many times.
    for (const c of ['bad-request', 'script-path', 'unknown-method', 'unsafe-without-consent', 'version']) expect(codes[c], c).toBeGreaterThan(100);
  }, 60_000);

  it('5,000 broken frames (random bytes, truncated, wrong kinds, oversized): an error reply each, no bpftrace started', () => {
    fc.assert(
      fc.property(rawFrame, (frame) => {
        const h = harness(); // an oversized header swallows what follows it: a fresh stream each time
        h.push(frame);
        const oversized = frame.length === 9 && frame.readUInt32BE(0) > MAX_REQUEST_FRAME;
        const replies = h.replies();
        expect(replies).toHaveLength(1);
        expect(replies[0].ok).toBe(false);
        expect(h.spawns).toHaveLength(0);
        if (!oversized) {
          h.push(encodeRequest(77, { v: 1, method: 'hello' }));
          expect(h.replies().at(-1)).toMatchObject({ id: 77, ok: true });
        }
      }),
      { numRuns: 5_000 },
    );
  }, 60_000);

  it('random byte streams never start bpftrace and never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const h = harness();
        h.push(Buffer.from(bytes));
        expect(h.spawns).toHaveLength(0);
        for (const r of h.replies()) expect(r.ok === false || r.id > 0).toBe(true);
      }),
      { numRuns: 2_000 },
    );
    expect(MAX_SCRIPT_BYTES).toBeLessThan(MAX_REQUEST_FRAME);
  }, 60_000);
});
