import { describe, expect, it, vi } from 'vitest';
import { channelClient, KscopeRpcError, type KscopeImpl, type SessionUpdate } from '../../common/contract/index.js';
import { channelPair, serveChannel } from './channel-server.js';
import { createDispatch, handleText } from './dispatch.js';

const status = { state: 'running' as const, startedAt: new Date(0).toISOString(), elapsedMs: 5, attachedProbes: 1, events: 2, printfLines: 1, lostEvents: 0, exit: null };

function fakeImpl(): KscopeImpl & { runs: unknown[] } {
  const runs: unknown[] = [];
  return {
    runs,
    version: () => ({ kscope: '9.9.9', bpftrace: { path: '/usr/bin/bpftrace', version: '0.17.0' }, kernelRelease: '6.18', node: '20', root: true }),
    capabilities: () => ({ entries: { 'probe:kprobe': { available: false, reason: 'no kprobes', evidence: ['x'], remedy: null } } }),
    examples: () => [{ id: 'lesson-2', title: 'Hello', description: '', source: 'BEGIN {}', lesson: 2, needs: [], runnable: true, reason: null, equivalent: null, action: 'run', pattern: null, view: 'printf' }],
    run: (p) => {
      runs.push(p);
      return { sessionId: 'abc', recordingPath: null };
    },
    stop: () => ({ stopped: true, status }),
    sessions: () => [],
    listProbes: (q) => ({ mode: 'glob', total: 1, probes: [{ name: `tracepoint:x:${q.query}`, type: 'tracepoint', group: 'x', available: true }], suggestions: [], notes: [], tookMs: 0 }),
    probeTree: () => ({ types: [], notes: [] }),
    listProcesses: () => ({ processes: [], notes: [] }),
    processObjects: () => {
      throw new Error('not used');
    },
    describeProbe: () => {
      throw new Error('not used');
    },
    describeStruct: () => {
      throw new Error('not used');
    },
    measureRate: () => ({ probe: 'x', events: 0, seconds: 1, perSecond: 0 }),
    diagnose: () => ({ diagnostics: [], tookMs: 0 }),
    readLog: () => ({ total: 0, lines: [] }),
    flameGraph: () => ({ total: 0, nodes: 1, prunedNodes: 0, tree: { n: 'all', v: 0 } }),
    recordings: () => ({ dir: '/r', totalBytes: 0, capBytes: 1, items: [] }),
    renameRecording: () => {
      throw new Error('not used');
    },
    deleteRecording: () => ({ deleted: false }),
    openRecording: () => {
      throw new Error('not used');
    },
    recordingAt: () => {
      throw new Error('not used');
    },
    readRecordingLog: () => ({ total: 0, lines: [] }),
    exportRecording: () => {
      throw new Error('not used');
    },
    importText: () => {
      throw new Error('not used');
    },
    recordingTail: () => ({ text: '', nextOffset: 0, ended: true }),
    remoteHosts: () => ({ hosts: [], problems: [] }),
    addRemoteHost: () => ({ hosts: [], problems: [] }),
    runOnHosts: () => ({ runId: 'ab' }),
    hostRun: () => ({ runId: 'ab', running: false, hosts: [] }),
    stopHostRun: () => ({ runId: 'ab', running: false, hosts: [] }),
    diffRecordings: () => {
      throw new Error('not used');
    },
  };
}

function pair(impl = fakeImpl()) {
  const [server, client, close] = channelPair();
  const served = serveChannel(server, impl);
  const invalid: string[] = [];
  return { impl, served, client: channelClient(client, (w) => invalid.push(w)), raw: client, invalid, close };
}

describe('the contract over an in-memory channel pair', () => {
  it('calls a method and validates the result', async () => {
    const { client } = pair();
    const v = await client.version();
    expect(v.kscope).toBe('9.9.9');
    expect(v.bpftrace?.version).toBe('0.17.0');
  });

  it('applies the schema defaults before the implementation sees params', async () => {
    const { client, impl } = pair();
    await client.run({ source: 'BEGIN { exit(); }', options: {} });
    expect(impl.runs[0]).toEqual({ source: 'BEGIN { exit(); }', options: { snapshotMs: 1000, unsafe: false, args: [] } });
  });

  it('refuses bad params on the client before sending', async () => {
    const { client, impl } = pair();
    // @ts-expect-error wrong type on purpose
    await expect(client.run({ source: 42 })).rejects.toThrow(/source/);
    expect(impl.runs).toHaveLength(0);
  });

  it('refuses an unknown option (strict) so nothing like --unsafe sneaks in', async () => {
    const { client, impl } = pair();
    // @ts-expect-error unknown key on purpose
    await expect(client.run({ source: 'BEGIN{}', options: { flags: '--unsafe' } })).rejects.toThrow(KscopeRpcError);
    expect(impl.runs).toHaveLength(0);
  });

  it('defaults catalog query params from the schema', async () => {
    const { client } = pair();
    const r = await client.listProbes({ query: 'sched' });
    expect(r.probes[0].name).toBe('tracepoint:x:sched');
    await expect(client.listProbes({ query: 'x'.repeat(10_001) })).rejects.toThrow(/query/);
  });

  it('turns an implementation error into a failed reply', async () => {
    const impl = fakeImpl();
    impl.stop = () => {
      throw new Error('no such session: zz');
    };
    const { client } = pair(impl);
    await expect(client.stop({ sessionId: 'zz' })).rejects.toMatchObject({ code: 'failed', message: 'no such session: zz' });
  });

  it('refuses a result that does not match the contract', async () => {
    const impl = fakeImpl();
    impl.version = () => ({ kscope: 1 }) as never;
    const { client } = pair(impl);
    await expect(client.version()).rejects.toMatchObject({ code: 'bad-result' });
  });

  it('delivers validated events and drops invalid ones', async () => {
    const { client, served, invalid } = pair();
    const got: SessionUpdate[] = [];
    client.on('session', (u) => got.push(u));
    const u: SessionUpdate = { sessionId: 'abc', seq: 0, status, flames: [], printf: [{ t: 1, text: 'hi\n' }], printfSkipped: 0, maps: [], values: [], errors: [], warnings: [] };
    served.emit('session', u);
    served.emit('session', { ...u, seq: 'x' } as never); // dropped by the server
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual([u]);
    expect(invalid).toEqual([]);
  });

  it('paces session updates once the client says ready: one merged update per ready, every line counted', async () => {
    const { served, client, invalid } = pair();
    const got: SessionUpdate[] = [];
    client.on('session', (u) => got.push(u));
    const tick = () => new Promise((r) => setTimeout(r, 5));
    const u = (seq: number, lines: string[], skipped = 0): SessionUpdate => ({ sessionId: 'abc', seq, status: { ...status, elapsedMs: seq }, flames: [], printf: lines.map((text) => ({ t: seq, text })), printfSkipped: skipped, maps: [], values: [], errors: [], warnings: [] });
    // Not paced yet: every update goes out as it comes.
    served.emit('session', u(0, ['a']));
    served.emit('session', u(1, ['b']));
    await tick();
    expect(got.map((x) => x.seq)).toEqual([0, 1]);
    client.ready!();
    await tick();
    served.emit('session', u(2, ['c'])); // the credit of that ready
    served.emit('session', u(3, ['d']));
    served.emit('session', u(4, ['e'], 2));
    served.emit('session', u(5, ['f']));
    await tick();
    expect(got.map((x) => x.seq)).toEqual([0, 1, 2]);
    client.ready!();
    await tick();
    // 3, 4 and 5 merged: d precedes 4's gap of 2, so it is counted as skipped; e and f carried.
    expect(got.slice(3)).toEqual([{ ...u(5, []), printf: [{ t: 4, text: 'e' }, { t: 5, text: 'f' }], printfSkipped: 3 }]);
    // Nothing held: the next ready's credit waits for the next update.
    client.ready!();
    await tick();
    expect(got).toHaveLength(4);
    served.emit('session', u(6, ['g']));
    await tick();
    expect(got.map((x) => x.seq)).toEqual([0, 1, 2, 5, 6]);
    // No credit now; a change of the run's state is still sent at once (Stop is never held back).
    served.emit('session', u(7, ['h']));
    served.emit('session', { ...u(8, ['i']), status: { ...status, state: 'exited', elapsedMs: 8 } });
    await tick();
    expect(got.map((x) => x.seq)).toEqual([0, 1, 2, 5, 6, 8]);
    expect(got.at(-1)!.printf.map((l) => l.text)).toEqual(['h', 'i']);
    expect(got.at(-1)!.status.state).toBe('exited');
    expect(invalid).toEqual([]);
  });

  it('rejects pending calls when the channel closes', async () => {
    const impl = fakeImpl();
    impl.sessions = () => new Promise(() => {});
    const { client, close } = pair(impl);
    const p = client.sessions();
    close();
    await expect(p).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('malformed messages get a clear error reply and change nothing', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{nope', /not valid JSON/],
    ['no kind', JSON.stringify({ id: 1, method: 'run' }), /kind/],
    ['unknown method', JSON.stringify({ kind: 'call', id: 2, method: 'rm -rf', params: {} }), /unknown method/],
    ['prototype method', JSON.stringify({ kind: 'call', id: 3, method: 'constructor' }), /unknown method/],
    ['bad params', JSON.stringify({ kind: 'call', id: 4, method: 'stop', params: { sessionId: 5 } }), /sessionId/],
    ['extra field', JSON.stringify({ kind: 'call', id: 5, method: 'version', extra: 1 }), /malformed/],
    ['huge', 'x'.repeat(5 * 1024 * 1024), /too large/],
  ];
  it.each(cases)('%s', async (_name, text, re) => {
    const impl = fakeImpl();
    const spy = vi.spyOn(impl, 'run');
    const reply = await handleText(createDispatch(impl), text);
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.message).toMatch(re);
    expect(spy).not.toHaveBeenCalled();
  });

  it('a client survives a malformed server message', async () => {
    const { client, raw, invalid } = pair();
    // Simulate the server side sending garbage to the client
    const [a, b] = channelPair();
    const c = channelClient(b, (w) => invalid.push(w));
    a.send('{"kind":"reply","id":"x"}');
    await new Promise((r) => setTimeout(r, 5));
    expect(invalid.some((w) => /malformed/.test(w))).toBe(true);
    expect(c).toBeDefined();
    expect(raw).toBeDefined();
    expect((await client.examples())[0].id).toBe('lesson-2');
  });
});
