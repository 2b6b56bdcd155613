// Fuzzing the WebSocket door: for every contract method, ≥10k generated malformed text
// messages through the real dispatch (handleText, what the host runs per message): bad
// params in a good envelope, unknown methods, broken envelopes, non-JSON, deep nesting,
// megabyte strings. Each gets a well-formed error reply, nothing throws, and the
// implementation (a spy) is never reached — `run` in particular. A control proves the spy
// would notice a call. (The IPC door: doors-ipc.fuzz.test.ts; split so both use a core.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, methodNames, ReplyMessage, type MethodName } from '../../common/contract/index.js';
import { createDispatch, handleText } from '../../node/transport/dispatch.js';
import { RUNS, spyImpl } from '../support/fuzz/harness.js';
import { jsonSchemaValidator, malformedMessages, minimalValid, paramsJsonSchema } from '../support/fuzz/malformed.js';

describe.each(methodNames)('fuzzing %s over the WebSocket dispatch', (method: MethodName) => {
  it(`${RUNS} malformed text messages through handleText: each refused, none reaches the implementation`, async () => {
    const spy = spyImpl();
    const dispatch = createDispatch(spy.impl);
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(malformedMessages(method), async ({ text, expect: want }) => {
        const reply = await handleText(dispatch, text);
        // Plain checks in the hot loop (expect() per message would dominate the run time).
        if (!ReplyMessage.safeParse(reply).success) throw new Error(`reply is not a well-formed ReplyMessage: ${JSON.stringify(reply).slice(0, 200)}`);
        if (reply.ok) throw new Error('a malformed message was answered ok');
        const code = reply.error.code;
        const ok =
          text.length > MAX_MESSAGE_BYTES
            ? reply.id === null && code === 'bad-message' && /too large/.test(reply.error.message)
            : want.code === 'any-error'
              ? code === 'bad-message' || code === 'bad-params'
              : want.code === 'bad-message'
                ? code === 'bad-message'
                : code === want.code && reply.id === want.id;
        if (!ok) throw new Error(`expected ${JSON.stringify(want)}, got ${JSON.stringify(reply).slice(0, 300)}`);
        if (spy.total() !== 0) throw new Error(`the implementation was reached: ${JSON.stringify([...spy.calls])}`);
        refused++;
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThanOrEqual(RUNS);
    expect(spy.calls.get('run') ?? 0).toBe(0);
  });

  it('control: its valid base reaches the spy (the harness can see a call)', async () => {
    const valid = minimalValid(paramsJsonSchema(method));
    expect(jsonSchemaValidator(method)(valid)).toBe(true);
    const spy = spyImpl();
    const reply = await handleText(createDispatch(spy.impl), JSON.stringify({ kind: 'call', id: 9, method, params: valid }));
    expect(reply).toMatchObject({ id: 9, ok: false, error: { code: 'failed', message: 'spy reached' } });
    expect(spy.calls.get(method)).toBe(1);
  });
});
