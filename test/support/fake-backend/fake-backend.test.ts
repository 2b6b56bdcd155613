// The fake backend behind the real WebSocket host, through the typed client: every answer
// passes the contract's validation, runs stream updates and leave recordings the real
// library lists and replays, refusals carry the real decoder's diagnosis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { channelClient, type KscopeClient, type SessionUpdate } from '../../../common/contract/index.js';
import { startHost, wsChannel, type Host } from '../../../node/serve/host.js';
import { createFakeBackend, type FakeBackend } from './fake-backend.js';
import { probeCount, scriptMaps } from './script-maps.js';

let backend: FakeBackend;
let host: Host;
let ws: WebSocket;
let client: KscopeClient;
let rendererDir: string;
const updates: SessionUpdate[] = [];

beforeAll(async () => {
  backend = createFakeBackend({ tickMs: 20 });
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-fake-r-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>kscope</title>');
  host = await startHost({ impl: backend.impl, events: backend.events, rendererDir, exportsDir: backend.exportsDir ?? undefined });
  ws = new WebSocket(host.wsUrl, { origin: `http://127.0.0.1:${host.port}` });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  client = channelClient(wsChannel(ws as never), (what) => {
    throw new Error(what);
  });
  client.on('session', (u) => updates.push(u));
});
afterAll(async () => {
  ws?.close();
  await host?.close();
  await backend?.shutdown();
  if (rendererDir) fs.rmSync(rendererDir, { recursive: true, force: true });
});

const ofRun = (id: string) => updates.filter((u) => u.sessionId === id);

async function runUntil(source: string, ready: (us: SessionUpdate[]) => boolean, snapshotMs = 50): Promise<string> {
  const { sessionId } = await client.run({ source, options: { snapshotMs } });
  await expect.poll(() => ready(ofRun(sessionId)), { timeout: 10_000 }).toBe(true);
  return sessionId;
}

describe('the fake backend over the real host', () => {
  it('answers the catalog, capabilities and examples from fixtures, valid by the contract', async () => {
    const caps = await client.capabilities();
    expect(caps.entries['probe:kprobe'].available).toBe(false);
    expect(caps.entries['probe:tracepoint'].available).toBe(true);
    const examples = await client.examples();
    expect(examples.map((e) => e.id)).toEqual(expect.arrayContaining(['lesson-4', 'lesson-5', 'lesson-9']));
    const probes = await client.listProbes({ query: 'tracepoint:syscalls:sys_enter_open*', offset: 0, limit: 50 });
    expect(probes.probes.length).toBeGreaterThan(0);
    expect(probes.probes.every((p) => p.name.startsWith('tracepoint:syscalls:sys_enter_open'))).toBe(true);
  });

  it('a counting run streams growing maps, stops like bpftrace, and is kept in the library', async () => {
    const id = await runUntil('tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }', (us) => us.filter((u) => u.maps.length > 0).length >= 3);
    const values = ofRun(id)
      .flatMap((u) => u.maps)
      .map((m) => (m.type === 'map' ? (m.entries.find((e) => e.key === 'bash')?.value as number) : 0));
    expect(values.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    const stopped = await client.stop({ sessionId: id });
    expect(stopped).toMatchObject({ stopped: true, status: { state: 'exited', exit: { code: 0 }, attachedProbes: 1 } });
    const last = ofRun(id).at(-1)!;
    expect(last.maps.some((m) => !m.snapshot)).toBe(true); // the print on exit
    const lib = await client.recordings();
    const rec = lib.items.find((r) => r.script.includes('raw_syscalls'))!;
    expect(rec).toMatchObject({ interrupted: false, maps: ['@'], exit: { code: 0 } });
    const opened = await client.openRecording({ id: rec.id });
    expect(opened.frames.length).toBeGreaterThanOrEqual(3);
  });

  it('a kstack run folds real and synthetic stacks into a flame graph', async () => {
    const id = await runUntil('profile:hz:99 { @[kstack] = count(); }', (us) => us.some((u) => u.flames.length > 0));
    const flame = ofRun(id).flatMap((u) => u.flames).at(-1)!;
    expect(flame.name).toBe('@');
    expect(flame.stacks).toBeGreaterThan(10);
    const full = await client.flameGraph({ sessionId: id, map: '@', minFraction: 0, focus: [] });
    // A frame of the real capture (test/fixtures/bpftrace-0.17/kstack.stdout.ndjson).
    expect(JSON.stringify(full.tree)).toContain('do_syscall_64');
    await client.stop({ sessionId: id });
  });

  it('printf lines are recorded and paged by readLog', async () => {
    const id = await runUntil('tracepoint:syscalls:sys_enter_openat { printf("%s\\n", comm); }', (us) => us.reduce((n, u) => n + u.printf.length, 0) >= 9);
    await client.stop({ sessionId: id });
    const page = await client.readLog({ sessionId: id, start: 0, count: 5 });
    expect(page.total).toBeGreaterThanOrEqual(9);
    expect(page.lines.map((l) => l.index)).toEqual([0, 1, 2, 3, 4]);
    expect(page.lines[0].text).toBe(ofRun(id).flatMap((u) => u.printf)[0].text);
  });

  it('`flood` and `lost` in a script give a flood (lines skipped in updates, all recorded) and lost events', async () => {
    const id = await runUntil('// flood lost\ntracepoint:syscalls:sys_enter_openat { printf("%s\\n", comm); }', (us) => us.some((u) => u.printfSkipped > 0) && (us.at(-1)?.status.lostEvents ?? 0) > 0);
    await client.stop({ sessionId: id });
    const sent = ofRun(id).reduce((n, u) => n + u.printf.length, 0);
    const skipped = ofRun(id).reduce((n, u) => n + u.printfSkipped, 0);
    const page = await client.readLog({ sessionId: id, start: 0, count: 1 });
    expect(page.total).toBe(sent + skipped);
    expect(ofRun(id).at(-1)!.status.lostEvents).toBeGreaterThan(0);
  });

  it('a kprobe script is refused with the real decoder and explanation', async () => {
    const id = await runUntil('kprobe:vfs_read { @ = count(); }', (us) => us.some((u) => u.status.state === 'exited'));
    const errors = ofRun(id).flatMap((u) => u.errors);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/kprobe:vfs_read/);
    expect(errors.some((e) => /CONFIG_KPROBES|tracepoint/.test(e.hint ?? ''))).toBe(true);
    expect(ofRun(id).at(-1)!.status.exit).toEqual({ code: 1, signal: null });
  });
});

describe('script maps', () => {
  it('finds maps, their function and key kind; counts probes', () => {
    expect(scriptMaps('t:a { @[kstack, comm] = count(); @bytes = hist(x); @s[pid] = stats(y); @[comm] = sum(1); }')).toEqual([
      { name: '@', fn: 'count', key: 'stack' },
      { name: '@bytes', fn: 'hist', key: 'none' },
      { name: '@s', fn: 'stats', key: 'name' },
    ]);
    expect(probeCount('// c\nBEGIN { }\ntracepoint:a:b /pid/ { }\nprofile:hz:99\n{ }\nEND { }')).toBe(4);
  });
});
