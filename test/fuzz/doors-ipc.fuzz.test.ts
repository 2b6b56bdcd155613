// Fuzzing the Electron IPC door: for every contract method, ≥10k generated malformed params
// (including values only structured clone carries: NaN, BigInt, Map, Date, typed arrays)
// through the handler registerIpc installs on a fake ipcMain, trusted as main.ts trusts
// (isTrustedSender); and valid params from frames that are not ours. Each is refused and
// the implementation (a spy) is never reached. A control proves the spy would notice.
import fc from 'fast-check';
import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { methodNames, type MethodName } from '../../common/contract/index.js';
import { IPC_CALL_PREFIX } from '../../electron-main/ipc.js';
import { fakeIpc, RUNS, spyImpl } from '../support/fuzz/harness.js';
import { malformedParams, minimalValid, paramsJsonSchema } from '../support/fuzz/malformed.js';

describe.each(methodNames)('fuzzing %s over Electron IPC', (method: MethodName) => {
  it(`${RUNS} malformed params (structured-clone values too) through the IPC handler: each refused`, async () => {
    const spy = spyImpl();
    const ipc = fakeIpc(spy.impl);
    const handler = ipc.handlers.get(IPC_CALL_PREFIX + method)!;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(malformedParams(method, { ipc: true }), async (params) => {
        const reply = (await handler(ipc.ours, params)) as { ok: boolean; error?: { code: string } };
        if (reply.ok || reply.error?.code !== 'bad-params') throw new Error(`expected bad-params, got ${JSON.stringify(reply).slice(0, 300)}`);
        if (spy.total() !== 0) throw new Error(`the implementation was reached: ${JSON.stringify([...spy.calls])}`);
        refused++;
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThanOrEqual(RUNS);
  });

  it('valid params from a frame that is not ours are refused', async () => {
    const spy = spyImpl();
    const ipc = fakeIpc(spy.impl);
    const handler = ipc.handlers.get(IPC_CALL_PREFIX + method)!;
    const valid = minimalValid(paramsJsonSchema(method));
    const otherContents = { id: 2, mainFrame: { url: ipc.indexUrl } };
    const frames = fc.record({
      sender: fc.constantFrom<unknown>(ipc.ourContents, otherContents, null, undefined, {}),
      senderFrame: fc.constantFrom<unknown>(ipc.mainFrame, { url: ipc.indexUrl }, { url: 'https://evil.example/' }, otherContents.mainFrame, null, undefined),
    });
    await fc.assert(
      fc.asyncProperty(
        frames.filter((e) => !(e.sender === ipc.ourContents && e.senderFrame === ipc.mainFrame)),
        async (e) => {
          const reply = await handler(e as unknown as IpcMainInvokeEvent, valid);
          expect(reply).toMatchObject({ ok: false, error: { code: 'bad-message', message: /not from the kscope window/ } });
        },
      ),
      { numRuns: 500 },
    );
    expect(spy.total()).toBe(0);
    // Our main frame navigated away from our page is not ours either.
    ipc.mainFrame.url = 'https://evil.example/';
    expect(await handler(ipc.ours, valid)).toMatchObject({ ok: false });
    expect(spy.total()).toBe(0);
  });

  it('control: its valid base from our main frame reaches the spy', async () => {
    const spy = spyImpl();
    const ipc = fakeIpc(spy.impl);
    expect(await ipc.handlers.get(IPC_CALL_PREFIX + method)!(ipc.ours, minimalValid(paramsJsonSchema(method)))).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(spy.calls.get(method)).toBe(1);
  });
});
