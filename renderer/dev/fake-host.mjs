// Dev-only fake of the kscope host: serves dist/renderer and answers the WebSocket
// protocol of electron/api/rpc.ts with canned data, so the renderer can be seen and
// screenshotted without bpftrace or the real host.
//
//   node renderer/dev/fake-host.mjs [--port 5178] [--token dev] [--no-bpftrace]
//   then open http://127.0.0.1:5178/#token=dev
//
// A source containing `syntax_error` fails at line 2, columns 5-9; `kprobe:` fails as on
// this machine (no kprobes); `lost` makes the run lose events; `flood` skips printf lines.
// The catalog methods answer from fake-catalog.mjs (this machine's tracefs and kallsyms).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import * as catalog from './fake-catalog.mjs';
import { exported, library } from './fake-library.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const PORT = Number(opt('port', process.env.PORT ?? 5178));
const TOKEN = opt('token', 'dev');
const NO_BPFTRACE = args.includes('--no-bpftrace');
// --root DIR serves another build (e.g. a private one while others rebuild dist/).
const ROOT = resolve(opt('root', fileURLToPath(new URL('../../dist/renderer/', import.meta.url))));

const EXAMPLES = [
  {
    id: 'lesson-1',
    title: '1. Hello world',
    description: 'Print a message when the program starts, then exit.',
    source: 'BEGIN\n{\n    printf("hello world\\n");\n    exit();\n}\n',
  },
  {
    id: 'lesson-2',
    title: '2. Files opened',
    description: 'Trace every openat(2) with the process name and path.',
    source:
      'tracepoint:syscalls:sys_enter_openat\n{\n    printf("%-16s %-6d %s\\n", comm, pid, str(args->filename));\n}\n',
  },
  {
    id: 'lesson-4',
    title: '4. Syscalls by process',
    description: 'Count system calls by process name.',
    source: '// Count syscalls per process name; Ctrl+Enter to run.\ntracepoint:raw_syscalls:sys_enter\n{\n    @[comm] = count();\n}\n',
  },
  {
    id: 'lesson-5',
    title: '5. Distribution of read() bytes',
    description: 'Histogram of the size of successful read(2) calls, per process.',
    source:
      'tracepoint:syscalls:sys_exit_read /args->ret > 0/\n{\n    @bytes[comm] = hist(args->ret);\n}\n',
  },
  {
    id: 'lesson-6',
    title: '6. Kernel read latency (kprobe)',
    description: 'vfs_read() latency with kprobe/kretprobe (needs CONFIG_KPROBES).',
    source:
      'kprobe:vfs_read\n{\n    @start[tid] = nsecs;\n}\n\nkretprobe:vfs_read /@start[tid]/\n{\n    @ns[comm] = hist(nsecs - @start[tid]);\n    delete(@start[tid]);\n}\n',
  },
  {
    id: 'stats-demo',
    title: 'Read sizes: stats per process',
    description: 'count/avg/total of read sizes, and a total counter.',
    source:
      'tracepoint:syscalls:sys_exit_read /args->ret > 0/\n{\n    @sizes[comm] = stats(args->ret);\n    @total = count();\n}\n\ninterval:s:1\n{\n    printf("%s reads so far: %d\\n", strftime("%H:%M:%S", nsecs), @total);\n}\n',
  },
  {
    id: 'syntax-error',
    title: 'A script with a syntax error',
    description: 'Shows how errors land in the editor.',
    source: 'BEGIN\n{   syntax_error\n    printf("never\\n");\n}\n',
  },
];

const COMMS = ['bash', 'sshd', 'node', 'systemd', 'chromium', 'kworker/0:1', 'containerd', 'Xorg', 'pipewire', 'dbus-daemon', 'rsyslogd', 'cron', 'snapd', 'gnome-shell', 'vim'];
const FILES = ['/etc/ld.so.cache', '/lib/x86_64-linux-gnu/libc.so.6', '/proc/self/status', '/usr/share/locale/locale.alias', '/etc/passwd', '/sys/fs/cgroup/cpu.max', '/home/dev/.bashrc', '/tmp/kscope.sock'];

const mime = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://x');
    // Exports, as the real host serves them: GET /exports/<name>?token=…
    if (url.pathname.startsWith('/exports/')) {
      if (url.searchParams.get('token') !== TOKEN) {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('wrong token\n');
        return;
      }
      const name = decodeURIComponent(url.pathname.slice('/exports/'.length));
      const e = exported.get(name);
      if (!e) throw new Error('no such export');
      res.writeHead(200, { 'content-type': e.mime, 'content-disposition': `attachment; filename="${name}"` });
      res.end(e.body);
      return;
    }
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(ROOT)) throw new Error('outside');
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a file');
    res.writeHead(200, { 'content-type': mime[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found (did you run `npx vite build --config renderer/vite.config.ts`?)\n');
  }
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/api') return socket.destroy();
  if (url.searchParams.get('token') !== TOKEN) {
    // Accept, then close with a reason, so the page can say why.
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(1008, 'bad token'));
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
});

let sessionCounter = 0;
/** The one running session (the real host refuses a second run too). */
let current = null;
const sockets = new Set();

function broadcast(payload) {
  const text = JSON.stringify({ kind: 'event', event: 'session', payload });
  for (const ws of sockets) if (ws.readyState === 1) ws.send(text);
}

function rand(n) {
  return Math.floor(Math.random() * n);
}

/** Map names and their aggregation function, as the engine would find them. */
function findMaps(source) {
  const re = /(@\w*)\s*(\[[^\]]*\])?\s*=\s*(count|hist|lhist|sum|stats|avg|min|max)\s*\(/g;
  const out = new Map();
  for (const m of source.matchAll(re)) if (!out.has(m[1])) out.set(m[1], { fn: m[3], keyed: Boolean(m[2]) });
  return out;
}

function histBuckets(scale) {
  // Power-of-two buckets, inclusive max (as bpftrace -f json prints them).
  const buckets = [];
  const centre = 6 + (scale % 5);
  for (let i = 0; i < 16; i++) {
    const lo = i === 0 ? 0 : 2 ** (i - 1);
    const hi = i === 0 ? 0 : 2 ** i - 1;
    const d = i - centre;
    const count = Math.max(0, Math.round(scale * 40 * Math.exp(-(d * d) / 6) + (i === 3 ? scale * 8 : 0)));
    buckets.push({ min: lo, max: hi, count });
  }
  buckets[0].count = Math.round(scale * 2);
  return buckets;
}

function startSession(source, options) {
  const id = `s${++sessionCounter}-${Date.now().toString(36)}`;
  const started = Date.now();
  const s = {
    id,
    source,
    seq: 0,
    started,
    state: 'starting',
    events: 0,
    printfLines: 0,
    lost: 0,
    exit: null,
    counts: new Map(),
    tick: 0,
    timer: null,
    stopAt: null,
    snapshotMs: options?.snapshotMs ?? 1000,
    lastSnapshot: 0,
  };
  current = s;
  const status = () => ({
    state: s.state,
    startedAt: new Date(started).toISOString(),
    elapsedMs: Date.now() - started,
    attachedProbes: s.state === 'starting' ? null : Math.max(1, (source.match(/^\S+:\S+|^(BEGIN|END)/gm) ?? []).length),
    events: s.events,
    printfLines: s.printfLines,
    lostEvents: s.lost,
    exit: s.exit,
  });
  const send = (extra = {}) =>
    broadcast({
      sessionId: id,
      seq: s.seq++,
      status: status(),
      printf: [],
      printfSkipped: 0,
      maps: [],
      values: [],
      errors: [],
      warnings: [],
      ...extra,
    });
  const finish = (code, signal, extra = {}) => {
    clearInterval(s.timer);
    s.state = 'exited';
    s.exit = { code, signal };
    send(extra);
    if (current === s) current = null;
  };
  s.status = status;
  s.finish = finish;

  // Errors before attach, as the engine reports them (stderr text → line/column).
  const lines = source.split('\n');
  const synLine = lines.findIndex((l) => l.includes('syntax_error'));
  if (synLine >= 0) {
    setTimeout(() => {
      const col = lines[synLine].indexOf('syntax_error') + 1;
      finish(1, null, {
        errors: [
          {
            type: 'error',
            t: 35,
            message: 'syntax error, unexpected identifier',
            line: 2,
            column: 5,
            endColumn: 9,
            detail: `stdin:2:5-9: ERROR: syntax error, unexpected identifier\n${lines[1] ?? ''}\n    ~~~~`,
          },
        ],
        warnings: col > 0 && synLine !== 1 ? [{ type: 'warning', t: 35, message: `syntax_error also on line ${synLine + 1}`, line: synLine + 1 }] : [],
      });
    }, 150);
    return s;
  }
  const kLine = lines.findIndex((l) => /^\s*k(ret)?probe:/.test(l));
  if (kLine >= 0) {
    setTimeout(() => {
      const probe = lines[kLine].trim();
      finish(1, null, {
        errors: [
          {
            type: 'error',
            t: 40,
            message: `${probe.replace(/\s*\/.*$/, '')}: kprobes are not supported by this kernel`,
            line: kLine + 1,
            column: 1,
            endColumn: probe.replace(/\s*\/.*$/, '').length + 1,
            hint: 'This kernel was built without CONFIG_KPROBES. Use tracepoint:syscalls:sys_enter_read / sys_exit_read instead.',
          },
        ],
        warnings: [{ type: 'warning', t: 40, message: 'kfunc/fentry probes are refused by bpftrace 0.17 on this machine' }],
      });
    }, 150);
    return s;
  }

  const maps = findMaps(source);
  const hasPrintf = /printf\s*\(/.test(source);
  const once = /\bexit\s*\(/.test(source);
  setTimeout(() => {
    s.state = 'running';
    send({ warnings: source.includes('warn') ? [{ type: 'warning', t: 80, message: 'unused variable', line: 1 }] : [] });
  }, 120);

  s.timer = setInterval(() => {
    if (s.state !== 'running' && s.state !== 'stopping') return;
    s.tick++;
    const t = Date.now() - started;
    const printf = [];
    let skipped = 0;
    if (hasPrintf) {
      const n = source.includes('flood') ? 400 : 3 + rand(6);
      for (let i = 0; i < n; i++) {
        const comm = COMMS[rand(COMMS.length)];
        const text = source.includes('hello')
          ? 'hello world'
          : /reads so far/.test(source)
            ? `${new Date().toTimeString().slice(0, 8)} reads so far: ${s.events * 7}`
            : `${comm.padEnd(16)} ${String(1000 + rand(60000)).padEnd(6)} ${FILES[rand(FILES.length)]}`;
        printf.push({ t: t - (n - i), text });
        if (/reads so far/.test(source)) break;
      }
      if (source.includes('flood') && s.tick % 3 === 0) {
        skipped = 1200;
      }
      s.printfLines += printf.length + skipped;
    }
    s.events += printf.length + skipped + maps.size;
    if (source.includes('lost') && s.tick > 15) s.lost += rand(50);

    const mapEvents = [];
    if (maps.size > 0 && (s.snapshotMs === 0 ? false : t - s.lastSnapshot >= Math.min(s.snapshotMs, 500))) {
      s.lastSnapshot = t;
      for (const [name, { fn, keyed }] of maps) {
        if (name === '@start') continue;
        if (fn === 'hist' || fn === 'lhist') {
          const keys = keyed ? COMMS.slice(0, 3) : [null];
          mapEvents.push({
            type: 'hist',
            t,
            name,
            snapshot: true,
            entries: keys.map((key, i) => ({ key, buckets: histBuckets(s.tick / (i + 1)) })),
          });
        } else if (fn === 'stats' || fn === 'avg') {
          const keys = keyed ? COMMS.slice(0, 6) : [null];
          mapEvents.push({
            type: 'stats',
            t,
            name,
            snapshot: true,
            entries: keys.map((key, i) => {
              const count = Math.round(s.tick * (40 / (i + 1)) + rand(5));
              const average = 512 + i * 700 + rand(64);
              return { key, value: fn === 'avg' ? average : { count, average, total: count * average } };
            }),
          });
        } else {
          if (!keyed) {
            s.counts.set(name, (s.counts.get(name) ?? 0) + 50 + rand(200));
            mapEvents.push({ type: 'map', t, name, snapshot: true, entries: [{ key: null, value: s.counts.get(name) }] });
          } else {
            const known = Math.min(COMMS.length, 3 + Math.floor(s.tick / 3));
            const entries = [];
            for (let i = 0; i < known; i++) {
              const k = `${name}:${COMMS[i]}`;
              const inc = Math.round((2000 / (i + 1)) * (0.6 + Math.random() * 0.8));
              s.counts.set(k, (s.counts.get(k) ?? 0) + inc);
              entries.push({ key: COMMS[i], value: s.counts.get(k) });
            }
            mapEvents.push({ type: 'map', t, name, snapshot: true, entries });
          }
        }
      }
    }
    send({ printf, printfSkipped: skipped, maps: mapEvents });
    if (once && s.tick >= 1) finish(0, null);
  }, 100);
  return s;
}

const impl = {
  version: () => ({
    kscope: '0.1.0-fake',
    bpftrace: NO_BPFTRACE ? null : { path: '/usr/bin/bpftrace', version: 'v0.17.0' },
    kernelRelease: '6.1.0-fake-amd64',
    node: process.version,
    root: true,
  }),
  capabilities: () => ({ entries: {} }),
  examples: () => EXAMPLES,
  run: ({ source, options }) => {
    if (NO_BPFTRACE) throw new Error('bpftrace was not found on PATH. Install it with: apt install bpftrace');
    if (typeof source !== 'string' || source.length === 0) throw new Error('source: empty');
    if (current && current.state !== 'exited') throw new Error(`a session is already running (${current.id}); stop it first`);
    const s = startSession(source, options);
    return { sessionId: s.id, recordingPath: `/tmp/kscope/${s.id}.ndjson` };
  },
  stop: ({ sessionId }) => {
    const s = current;
    if (!s || s.id !== sessionId) return { stopped: false, status: finishedStatus() };
    s.state = 'stopping';
    return new Promise((resolveStop) =>
      setTimeout(() => {
        s.finish(null, 'SIGINT');
        resolveStop({ stopped: true, status: s.status() });
      }, 250),
    );
  },
  listProbes: (p) => catalog.listProbes(p),
  probeTree: () => catalog.probeTree(),
  describeProbe: (p) => catalog.describeProbe(p),
  describeStruct: (p) => catalog.describeStruct(p),
  measureRate: (p) => catalog.measureRate(p),
  diagnose: (p) => catalog.diagnose(p),
  ...library,
  sessions: () => (current ? [{ id: current.id, source: current.source, recordingPath: null, status: current.status() }] : []),
};

function finishedStatus() {
  return {
    state: 'exited',
    startedAt: new Date().toISOString(),
    elapsedMs: 0,
    attachedProbes: null,
    events: 0,
    printfLines: 0,
    lostEvents: 0,
    exit: null,
  };
}

wss.on('connection', (ws) => {
  sockets.add(ws);
  ws.on('close', () => {
    sockets.delete(ws);
    // The last window went away: stop the run so a crashed script does not leave one behind.
    if (sockets.size === 0 && current && current.state !== 'exited') current.finish(null, 'SIGINT');
  });
  ws.on('message', async (data) => {
    let msg;
    try {
      msg = JSON.parse(String(data));
    } catch {
      ws.send(JSON.stringify({ kind: 'reply', id: null, ok: false, error: { code: 'bad-message', message: 'not JSON' } }));
      return;
    }
    const { id, method, params } = msg;
    const fn = impl[method];
    if (!fn) {
      ws.send(JSON.stringify({ kind: 'reply', id, ok: false, error: { code: 'unknown-method', message: method } }));
      return;
    }
    try {
      const result = await fn(params ?? {});
      ws.send(JSON.stringify({ kind: 'reply', id, ok: true, result }));
    } catch (e) {
      ws.send(JSON.stringify({ kind: 'reply', id, ok: false, error: { code: 'failed', message: e.message } }));
    }
  });
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(`fake kscope host: http://127.0.0.1:${PORT}/#token=${TOKEN}`);
});

process.on('SIGTERM', () => process.exit(0));
