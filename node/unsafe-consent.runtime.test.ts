// Consent to --unsafe that the page cannot give itself, against real bpftrace (root):
// Electron asks with a native dialog from the main process (the fake electron module records
// it and answers), for every run; browser mode needs `serve --allow-unsafe`. The request's
// `unsafe: true` alone never runs system() as root.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installApp, CONSENT_BUTTONS, type ElectronLike } from '../electron-main/app-shell.js';
import { createBackend, type Backend } from './backend.js';
import { SERVE_UNSAFE_REFUSED, serveConsent } from './engine/consent.js';
import { bundleCli, waitFor } from '../test/support/runtime.js';
import { fakeElectron } from '../test/support/fake-electron.js';
import { planLaunch } from './privileged/launch.js';
import { bundleHelperInto, testBundleDir } from '../test/support/bundles.js';
import { IPC_CALL_PREFIX } from '../electron-main/ipc.js';

const why = process.getuid?.() !== 0 ? 'needs root (bpftrace runs system())' : !fs.existsSync('/usr/bin/bpftrace') ? 'bpftrace is not installed' : null;
if (why) console.warn(`skipping unsafe-consent runtime tests: ${why}`);

const SCRIPT = 'BEGIN { system("id -u"); exit(); }';

describe.skipIf(why !== null)('consent to --unsafe', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-consent-'));
  const backends: Backend[] = [];
  afterAll(async () => {
    for (const b of backends) await b.shutdown();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('Electron: a native dialog from the main process, every run', () => {
    const fake = fakeElectron();
    const printed: string[] = [];
    beforeAll(async () => {
      installApp(fake.module as unknown as ElectronLike, {
        createBackend: (opts) => {
          const b = createBackend({ recordingsDir: path.join(tmp, 'rec'), cacheDir: null, consentToUnsafe: opts.consentToUnsafe });
          b.events.session((u) => printed.push(...u.printf.map((p) => p.text)));
          backends.push(b);
          return b;
        },
        indexHtml: '/opt/kscope/dist/renderer/index.html',
        rendererDir: '/opt/kscope/dist/renderer',
        preloadPath: '/opt/kscope/dist/electron/preload.cjs',
        log: () => {},
      });
      await fake.ready();
    });
    const call = (params: unknown) => {
      const wc = fake.windows[0].webContents;
      return fake.ipcHandlers.get(IPC_CALL_PREFIX + 'run')!({ sender: wc, senderFrame: wc.mainFrame }, params) as Promise<{ ok: boolean; result?: { sessionId: string }; error?: { message: string } }>;
    };

    it('declined (Cancel, Esc): refused, nothing runs; the dialog named system() over our window', async () => {
      const r = await call({ source: SCRIPT, options: { unsafe: true } });
      expect(r).toMatchObject({ ok: false, error: { message: /declined/ } });
      expect(fake.dialogCalls).toHaveLength(1);
      expect(fake.dialogCalls[0].window).toBe(fake.windows[0]);
      expect(fake.dialogCalls[0].options).toMatchObject({ type: 'warning', buttons: [...CONSENT_BUTTONS] });
      expect(fake.dialogCalls[0].options.detail).toMatch(/It calls: system\(\)/);
      expect(backends[0].engine.list()).toEqual([]);
    });

    it('allowed in the dialog: bpftrace runs system() as root; the next run is asked again', async () => {
      fake.dialogAnswers.push(1);
      const r = await call({ source: SCRIPT, options: { unsafe: true } });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const s = backends[0].engine.get(r.result!.sessionId)!;
      await s.whenEnded();
      await waitFor(() => printed.join('').includes('0\n'), 'system("id -u") output');
      expect(printed.join('')).toMatch(/^0$/m);
      const again = await call({ source: SCRIPT, options: { unsafe: true } });
      expect(again).toMatchObject({ ok: false, error: { message: /declined/ } });
      expect(fake.dialogCalls).toHaveLength(3);
    });

    it('a safe run asks nothing', async () => {
      const r = await call({ source: 'BEGIN { exit(); }', options: {} });
      expect(r.ok).toBe(true);
      expect(fake.dialogCalls).toHaveLength(3);
    });
  });

  describe('through the privileged helper: a helper of its own for the unsafe run', () => {
    it('the engine starts an unsafe-mode helper for that run only; the shared helper would refuse it', async () => {
      const dir = testBundleDir('consent-helper');
      try {
        const helper = await bundleHelperInto(dir);
        const plan = planLaunch({ isRoot: true, helperMode: 'always', privilege: undefined, helperProgram: [process.execPath, helper], pkexec: null, sudo: null, sudoWorks: () => false, parentPid: process.pid });
        expect(plan.kind).toBe('helper');
        const b = createBackend({ recordingsDir: path.join(tmp, 'rec4'), cacheDir: null, consentToUnsafe: serveConsent(true), engine: { launch: () => plan } });
        backends.push(b);
        const printed: string[] = [];
        b.events.session((u) => printed.push(...u.printf.map((p) => p.text)));
        const r = await b.impl.run({ source: SCRIPT, options: { unsafe: true, snapshotMs: 1000, args: [] } as never });
        const s = b.engine.get(r.sessionId)!;
        await s.whenEnded();
        expect(s.status().exit?.code).toBe(0);
        expect(printed.join('')).toMatch(/^0$/m);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('browser mode: serve --allow-unsafe decides', () => {
    it('without the flag the run is refused with that message; with it, it runs', async () => {
      const off = createBackend({ recordingsDir: path.join(tmp, 'rec2'), cacheDir: null, consentToUnsafe: serveConsent(false) });
      const on = createBackend({ recordingsDir: path.join(tmp, 'rec3'), cacheDir: null, consentToUnsafe: serveConsent(true) });
      backends.push(off, on);
      await expect(Promise.resolve(off.impl.run({ source: SCRIPT, options: { unsafe: true, snapshotMs: 1000, args: [] } as never }))).rejects.toThrow(SERVE_UNSAFE_REFUSED);
      expect(off.engine.list()).toEqual([]);
      const r = await on.impl.run({ source: SCRIPT, options: { unsafe: true, snapshotMs: 1000, args: [] } as never });
      await on.engine.get(r.sessionId)!.whenEnded();
      expect(on.engine.get(r.sessionId)!.status().exit?.code).toBe(0);
    });

    it('the CLI takes --allow-unsafe and says what it allows', async () => {
      const cli = path.join(tmp, 'cli.cjs');
      await bundleCli(cli);
      const p = spawn(process.execPath, [cli, 'serve', '--port', '0', '--allow-unsafe'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_DATA_HOME: tmp } });
      let err = '';
      let out = '';
      p.stderr.on('data', (c) => (err += c));
      p.stdout.on('data', (c) => (out += c));
      try {
        await waitFor(() => /serving on/.test(out) || p.exitCode !== null, 'serve to start', 30_000);
        expect(err).toMatch(/--allow-unsafe: any page holding the token can run scripts with --unsafe/);
      } finally {
        p.kill('SIGTERM');
      }
    });
  });
});
