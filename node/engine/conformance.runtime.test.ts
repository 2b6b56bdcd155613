// Conformance, on every installed bpftrace (0.17, 0.23, 0.27; KSCOPE_BPFTRACE picks one):
// every lesson (or its equivalent on this kernel) and a corpus of tricky scripts run through
// kscope (a real Session: spawn, snapshot injection, decode, recording), while the bytes
// bpftrace wrote are kept; an independent reader of bpftrace's JSON
// (test/support/bpftrace_json_reference.py, Python: exact integers, repeated keys kept)
// reads those same bytes. Every printf text, print() value and map/hist/stats entry in
// kscope's recording must equal the reference's, key for key and value for value, in order.
// The deterministic corpus also runs through a plain `bpftrace -f json` of its own, with
// no kscope in between: its final maps must equal kscope's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunOptions, type TraceEvent } from '../../common/contract/index.js';
import { ensureTracefs } from '../catalog/tracefs.js';
import { findOnPath } from './bpftrace-binary.js';
import { testedBpftraces, type InstalledBpftrace } from './bpftrace-versions.js';
import { parseRecording } from '../recordings/writer.js';
import { Session } from './session.js';
import { directSpawner } from './spawn-bpftrace.js';
import { StdoutDecoder } from './decode-stdout.js';

const ROOT = path.resolve(__dirname, '../..');
const REFERENCE = path.join(ROOT, 'test/support/bpftrace_json_reference.py');
const notRoot = process.getuid?.() !== 0 ? 'needs root (bpftrace attaches probes)' : null;
const noPython = spawnSync('python3', ['--version']).status !== 0 ? 'python3 is missing (the reference reader is Python)' : null;
const BUSY = 'café中文'; // a non-ASCII comm (11 bytes, under the kernel's 15)

type Rec = { kind: string; name?: string; text?: string; value?: unknown; entries?: [string | null, unknown][] };

/** kscope's recording in the reference's shape. */
function fromKscope(events: readonly TraceEvent[]): Rec[] {
  const out: Rec[] = [];
  for (const e of events) {
    if (e.type === 'printf') out.push({ kind: 'text', text: e.text });
    else if (e.type === 'value') out.push({ kind: 'value', value: e.value });
    else if (e.type === 'hist') out.push({ kind: 'hist', name: e.name, entries: e.entries.map((x) => [x.key, x.buckets]) });
    else if (e.type === 'map' || e.type === 'stats') out.push({ kind: e.type, name: e.name, entries: e.entries.map((x) => [x.key, x.value]) });
  }
  return out;
}

function reference(version: string, stdout: Buffer): Rec[] {
  const r = spawnSync('python3', [REFERENCE, version], { input: stdout, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`reference reader failed: ${r.stderr.toString()}`);
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Rec);
}

/** The last print of every map (what bpftrace's exit dump says). */
function finalMaps(recs: Rec[]): Map<string, Rec> {
  const m = new Map<string, Rec>();
  for (const r of recs) if (r.name !== undefined) m.set(r.name, r);
  return m;
}

interface Case {
  name: string;
  source: string;
  durationSec?: number;
  unsafe?: boolean;
  /** BEGIN { ...; exit(); }: the same output every run, compared with a plain bpftrace run too. */
  deterministic?: boolean;
  busy?: boolean;
}

function lessons(): Case[] {
  const dir = path.join(ROOT, 'resources/examples');
  const kprobes = fs.existsSync('/sys/kernel/tracing/kprobe_events');
  const out: Case[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^lesson-(\d+)\.bt$/.exec(f);
    if (!m || m[1] === '1') continue; // lesson 1 lists probes (bpftrace -l): no output to compare
    const eq = path.join(dir, `lesson-${m[1]}.equivalent.bt`);
    const file = !kprobes && fs.existsSync(eq) ? eq : path.join(dir, f);
    out.push({ name: path.basename(file, '.bt'), source: fs.readFileSync(file, 'utf8'), durationSec: 2 });
  }
  return out;
}

const CORPUS: Case[] = [
  { name: 'utf8', deterministic: true, source: 'BEGIN { printf("café %s\\n", "中文文件名"); @k["café"] = count(); @k["中文"] = count(); @v = "été"; print("über"); exit(); }' },
  { name: 'dup-tuple-keys', deterministic: true, source: 'BEGIN { @t["a,b", "c"] = 1; @t["a", "b,c"] = 2; @t["x", "y"] = 3; exit(); }' },
  {
    name: 'int-limits',
    deterministic: true,
    source:
      'BEGIN { @max = sum(0x7fffffffffffffff); @min = sum(-0x7fffffffffffffff - 1); @neg = sum(-5); @umax[(uint64)0xffffffffffffffff] = count(); @big[1] = sum(0x20000000000001); @mn = min(-9007199254740993); @mx = max(9007199254740993); @st = stats(0x7fffffffffffffff); @sk["a"] = stats(-3); @av = avg(-7); exit(); }',
  },
  { name: 'key-escapes', deterministic: true, source: 'BEGIN { @k["back\\\\slash"] = 1; @k["dq\\"quote"] = 2; @k["tab\\there"] = 3; @h["q\\"h"] = hist(5); @s["t\\tt"] = stats(4); exit(); }' },
  { name: 'hist-big', deterministic: true, source: 'BEGIN { @h = hist(1000); @h = hist(3000000000); @h = hist(5000000000); @h = hist(-1); @l = lhist(55, 0, 100, 10); exit(); }' },
  { name: 'print', deterministic: true, source: 'BEGIN { @a[1] = 2; @a[3] = 4; print(@a); print(@a, 1); print(5); print("x"); print((1, "t")); printf("after\\n"); exit(); }' },
  {
    name: 'join',
    unsafe: true,
    source: 'tracepoint:syscalls:sys_enter_execve /str(args->filename) == "/bin/echo"/ { join(args->argv); join(args->argv, "|"); } BEGIN { system("/bin/echo kscope join test"); } interval:ms:600 { exit(); }',
  },
  // Two busy processes with a non-ASCII comm and the same stacks: repeated stack keys.
  { name: 'dup-stacks', busy: true, durationSec: 2, source: `profile:hz:499 /comm == "${BUSY}"/ { @[ustack(2), comm] = count(); @c[comm] = count(); @total = count(); }` },
];

/**
 * Stop the busy loops when sampling ends: alive (bpftrace reads their /proc maps to name the
 * frames) but off the CPU, so bpftrace's final print is not starved on a loaded machine.
 */
function pause(busy: ChildProcess[]): void {
  for (const b of busy) b.kill('SIGSTOP');
}

function startBusy(dir: string): ChildProcess[] {
  const bin = path.join(dir, BUSY);
  fs.copyFileSync('/bin/bash', bin);
  fs.chmodSync(bin, 0o755);
  return [0, 1].map(() => spawn(bin, ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
}

/** A plain `bpftrace -f json` run: its stdout bytes. */
function plainRun(bin: InstalledBpftrace, c: Case): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin.path, [...(c.unsafe ? ['--unsafe'] : []), '-f', 'json', '-e', c.source], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const versions = testedBpftraces();
for (const v of versions) if (!v.bin || notRoot || noPython) console.warn(`skipping conformance on bpftrace ${v.minor}: ${notRoot ?? noPython ?? v.why}`);

describe.each(versions)('conformance with bpftrace $minor', ({ bin }) => {
  const skip = !bin || notRoot !== null || noPython !== null;
  let tmp: string;
  const runs = new Map<string, Promise<{ stdout: Buffer; events: TraceEvent[] }>>();

  function run(c: Case): Promise<{ stdout: Buffer; events: TraceEvent[] }> {
    let p = runs.get(c.name);
    if (p) return p;
    p = (async () => {
      const chunks: Buffer[] = [];
      const spawner = directSpawner({ bpftrace: bin!.path, setpriv: findOnPath('setpriv') });
      const file = path.join(tmp, `${c.name}.ndjson`);
      const busy = c.busy ? startBusy(tmp) : [];
      // Some work for the lessons' probes to see: opens, reads, writes, fsync, execs.
      const work = setInterval(() => {
        fs.readFileSync('/etc/passwd');
        const fd = fs.openSync(path.join(tmp, `${c.name}.load`), 'w');
        fs.writeSync(fd, Buffer.alloc(16 * 1024, 7));
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        spawnSync('true');
      }, 100);
      try {
        // The run lasts durationSec from the attach (a loaded machine can take seconds to attach).
        let stopTimer: NodeJS.Timeout | null = null;
        let session: Session | null = null;
        const s = new Session({
          id: c.name,
          source: c.source,
          options: RunOptions.parse({ snapshotMs: 500, unsafe: c.unsafe ?? false }),
          bpftrace: { path: bin!.path, version: bin!.version },
          setpriv: findOnPath('setpriv'),
          spawn: (req) => {
            const child = spawner(req);
            child.stdout.on('data', (b: Buffer) => chunks.push(b));
            return child;
          },
          kernelRelease: os.release(),
          kscopeVersion: 'conformance',
          recordingsDir: null,
          recordingPath: file,
          capabilities: () => ({}),
          onUpdate: (u) => {
            if (c.durationSec && !stopTimer && u.status.attachedProbes !== null)
              stopTimer = setTimeout(() => {
                pause(busy);
                void session?.stop();
              }, c.durationSec * 1000);
          },
        });
        session = s;
        await s.whenEnded();
        if (stopTimer) clearTimeout(stopTimer);
      } finally {
        clearInterval(work);
        for (const b of busy) b.kill('SIGKILL');
      }
      return { stdout: Buffer.concat(chunks), events: parseRecording(fs.readFileSync(file, 'utf8')).events };
    })();
    runs.set(c.name, p);
    return p;
  }

  beforeAll(() => {
    if (skip) return;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-conformance-'));
    ensureTracefs(true);
  });
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const cases = [...lessons(), ...CORPUS];
  it.skipIf(skip).each(cases.map((c) => [c.name, c] as const))('%s: kscope shows what bpftrace printed', async (_name, c) => {
    const { stdout, events } = await run(c);
    expect(events.some((e) => e.type === 'error'), JSON.stringify(events.filter((e) => e.type === 'error'))).toBe(false);
    const ref = reference(bin!.version, stdout);
    const got = fromKscope(events);
    expect(ref.length, 'bpftrace printed something').toBeGreaterThan(0);
    expect(got).toEqual(ref);
  });

  it.skipIf(skip)('dup-stacks: a plain bpftrace run, decoded by kscope: repeated stack keys summed, every sample kept', async () => {
    const c = CORPUS.find((x) => x.name === 'dup-stacks')!;
    const busy = startBusy(tmp);
    let stdout: Buffer;
    try {
      stdout = await new Promise<Buffer>((resolve, reject) => {
        const child = spawn(bin!.path, ['-f', 'json', '-e', c.source], { stdio: ['ignore', 'pipe', 'ignore'] });
        const chunks: Buffer[] = [];
        let armed = false;
        child.stdout.on('data', (b: Buffer) => {
          chunks.push(b);
          if (!armed && b.includes('attached_probes')) {
            armed = true;
            setTimeout(() => {
              pause(busy);
              child.kill('SIGINT');
            }, 2000);
          }
        });
        child.on('error', reject);
        // No deadline: bpftrace prints its maps however long symbolizing takes.
        child.on('close', () => resolve(Buffer.concat(chunks)));
      });
    } finally {
      for (const b of busy) b.kill('SIGKILL');
    }
    const raw = stdout.toString('utf8');
    const mapLine = raw.split('\n').find((l) => l.startsWith('{"type": "map", "data": {"@": '))!;
    const rawKeys = [...mapLine.matchAll(/"((?:[^"\\]|\\.)*)": \d+/g)].map((m) => m[1]);
    console.log(`bpftrace ${bin!.version}: ${rawKeys.length} stack keys printed, ${rawKeys.length - new Set(rawKeys).size} repeats`);
    const d = new StdoutDecoder({ bpftraceVersion: bin!.version });
    const got = fromKscope([...d.push(raw, 0), ...d.end(0)]);
    expect(got).toEqual(reference(bin!.version, stdout));
    const maps = finalMaps(got);
    const total = maps.get('@total')!.entries![0][1] as number;
    const stacks = maps.get('@')!.entries!;
    expect(new Set(stacks.map((e) => e[0])).size).toBe(stacks.length);
    expect(stacks.reduce((s, e) => s + (e[1] as number), 0)).toBe(total);
    expect(maps.get('@c')!.entries).toEqual([[BUSY, total]]);
  }, 180_000);

  it.skipIf(skip).each(CORPUS.filter((c) => c.deterministic).map((c) => [c.name, c] as const))('%s: a plain bpftrace -f json run prints the same', async (_name, c) => {
    const [{ events }, plain] = await Promise.all([run(c), plainRun(bin!, c)]);
    const want = reference(bin!.version, plain);
    const got = fromKscope(events);
    expect(got.filter((r) => r.kind === 'text' || r.kind === 'value')).toEqual(want.filter((r) => r.kind === 'text' || r.kind === 'value'));
    // Two processes may order a map's keys differently (hash order): compare as sorted lists.
    const norm = (m: Map<string, Rec>) =>
      [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => ({ ...r, entries: [...r.entries!].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))) }));
    expect(norm(finalMaps(got))).toEqual(norm(finalMaps(want)));
  });
});
