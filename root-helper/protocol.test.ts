import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, Kind, MAX_REQUEST_FRAME, MAX_SCRIPT_BYTES, encodeFrame, encodeRequest, parseRequest, type FrameEvent } from './protocol.js';

const run = (options: object = {}) => ({ v: 1, method: 'run', options });

function payloadOf(frame: Buffer): Buffer {
  return frame.subarray(9);
}

describe('frames', () => {
  it('round-trip whatever way the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(Kind.request, Kind.stdout, Kind.reply), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 300 })), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (frames, cuts) => {
          const bytes = Buffer.concat(frames.map(([k, id, p]) => encodeFrame(k, id, p)));
          const reader = new FrameReader(MAX_REQUEST_FRAME);
          const got: FrameEvent[] = [];
          let off = 0;
          for (let i = 0; off < bytes.length; i++) {
            const n = cuts[i % cuts.length];
            got.push(...reader.push(bytes.subarray(off, off + n)));
            off += n;
          }
          expect(got.map((e) => (e.type === 'frame' ? [e.kind, e.id, [...e.payload]] : e))).toEqual(frames.map(([k, id, p]) => [k, id, [...p]]));
          expect(reader.pendingBytes()).toBe(0);
        },
      ),
    );
  });

  it('skips an oversized frame without buffering it and stays in step', () => {
    const reader = new FrameReader(1000);
    const big = encodeFrame(Kind.request, 7, Buffer.alloc(5000, 1));
    const next = encodeFrame(Kind.request, 8, Buffer.from('ok'));
    const events: FrameEvent[] = [];
    for (let off = 0; off < big.length; off += 512) events.push(...reader.push(big.subarray(off, off + 512)));
    expect(reader.pendingBytes()).toBe(0);
    events.push(...reader.push(next));
    expect(events).toEqual([
      { type: 'too-large', kind: Kind.request, id: 7, length: 5005 },
      { type: 'frame', kind: Kind.request, id: 8, payload: Buffer.from('ok') },
    ]);
  });

  it('reports a length too short for a header, skips it, and reads on', () => {
    const reader = new FrameReader(1000);
    const bad = Buffer.from([0, 0, 0, 2, 0xaa, 0xbb]);
    expect(reader.push(Buffer.concat([bad, encodeFrame(Kind.request, 3)]))).toEqual([
      { type: 'malformed', length: 2 },
      { type: 'frame', kind: Kind.request, id: 3, payload: Buffer.alloc(0) },
    ]);
  });

  it('knows when the input ended inside a frame', () => {
    const reader = new FrameReader(1000);
    reader.push(encodeFrame(Kind.request, 1, Buffer.from('abcdef')).subarray(0, 11));
    expect(reader.pendingBytes()).toBe(11);
  });
});

describe('parseRequest', () => {
  const parse = (req: unknown, body?: Uint8Array) => parseRequest(payloadOf(encodeRequest(1, req, body)));

  it('accepts each method with defaults applied', () => {
    expect(parse({ v: 1, method: 'hello' })).toMatchObject({ ok: true, request: { method: 'hello' } });
    const r = parse(run(), Buffer.from('BEGIN { exit(); }'));
    expect(r).toEqual({ ok: true, request: { v: 1, method: 'run', options: { format: 'json', args: [], unsafe: false } }, body: Buffer.from('BEGIN { exit(); }') });
    expect(parse({ v: 1, method: 'signal', run: 3, signal: 'USR1' }).ok).toBe(true);
    expect(parse(run({ format: 'text', args: ['a'], mapKeysMax: 5 }), Buffer.from('x'))).toMatchObject({ ok: true, request: { options: { format: 'text', args: ['a'], mapKeysMax: 5 } } });
  });

  it('only hello, run and signal: the two methods nobody called are unknown', () => {
    expect(parse({ v: 1, method: 'listProbes', pattern: 'tracepoint:sched:*' })).toMatchObject({ ok: false, code: 'unknown-method' });
    expect(parse({ v: 1, method: 'capabilities' })).toMatchObject({ ok: false, code: 'unknown-method' });
  });

  it('a request cannot carry consent: unsafeConsent is an unknown key (unsafe alone is a request the dispatcher judges)', () => {
    expect(parse(run({ unsafe: true, unsafeConsent: true }), Buffer.from('BEGIN {}'))).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringMatching(/unsafeConsent/) });
    expect(parse(run({ unsafe: true }), Buffer.from('BEGIN {}')).ok).toBe(true);
  });

  it('refuses a script path instead of bytes', () => {
    for (const req of [{ ...run(), script: '/tmp/x.bt' }, { ...run(), scriptPath: '/tmp/x.bt' }, run({ file: '/root/x.bt' })]) {
      expect(parse(req, Buffer.from('BEGIN {}'))).toMatchObject({ ok: false, code: 'script-path' });
    }
    expect(parse(run())).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringMatching(/empty/) });
  });

  it('refuses a script over the limit, and a body on other methods', () => {
    expect(parse(run(), Buffer.alloc(MAX_SCRIPT_BYTES + 1, 0x20))).toMatchObject({ ok: false, code: 'too-large' });
    expect(parse({ v: 1, method: 'hello' }, Buffer.from('x'))).toMatchObject({ ok: false, code: 'bad-request' });
  });

  it('refuses a bad version, an unknown method, extra fields, bad options', () => {
    expect(parse({ v: 2, method: 'hello' })).toMatchObject({ ok: false, code: 'version' });
    expect(parse({ method: 'hello' })).toMatchObject({ ok: false, code: 'version' });
    expect(parse({ v: 1, method: 'exec' })).toMatchObject({ ok: false, code: 'unknown-method' });
    expect(parse({ v: 1, method: 'hello', extra: 1 })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse(run({ output: '/etc/passwd' }), Buffer.from('x'))).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse(run({ args: ['a\0b'] }), Buffer.from('x'))).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse(run({ mapKeysMax: 0 }), Buffer.from('x'))).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse(run({ format: 'yaml' }), Buffer.from('x'))).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse(run({ args: Array(65).fill('a') }), Buffer.from('x'))).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse({ v: 1, method: 'run', options: [] }, Buffer.from('x'))).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse({ v: 1, method: 'signal', run: 0, signal: 'INT' })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse({ v: 1, method: 'signal', run: 1.5, signal: 'INT' })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(parse({ v: 1, method: 'signal', run: 1, signal: 'STOP' })).toMatchObject({ ok: false, code: 'bad-request' });
  });

  it('refuses truncated and non-JSON payloads', () => {
    expect(parseRequest(Buffer.from([0, 0]))).toMatchObject({ ok: false, code: 'malformed' });
    const p = payloadOf(encodeRequest(1, { v: 1, method: 'hello' }));
    expect(parseRequest(p.subarray(0, p.length - 3))).toMatchObject({ ok: false, code: 'malformed', message: expect.stringMatching(/truncated/) });
    expect(parseRequest(Buffer.from([0, 0, 0, 3, 0x7b, 0x7b, 0x7b]))).toMatchObject({ ok: false, code: 'malformed' });
    expect(parseRequest(Buffer.from([0, 0, 0, 4, 0x6e, 0x75, 0x6c, 0x6c]))).toMatchObject({ ok: false, code: 'malformed' }); // null
  });
});
