// `kscope serve`: browser mode (the built renderer and the contract over a WebSocket on
// loopback, with its token), or `--stdio` for a peer that started us over ssh.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createBackend } from '../node/backend.js';
import { browserCommand, homeFromPasswd } from '../node/serve/browser-launch.js';
import { findOnPath } from '../node/engine/bpftrace-binary.js';
import { gatherLaunchFacts, planLaunch } from '../node/privileged/launch.js';
import { serveConsent } from '../node/engine/consent.js';
import { startHost } from '../node/serve/host.js';
import { serveStdioCommand } from './serve-stdio.js';
import { packageVersion, rendererDir } from '../node/paths.js';
import { fail } from './fail.js';

function hasDisplay(): boolean {
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string', short: 'p' }, open: { type: 'boolean' }, host: { type: 'string' }, 'allow-unsafe': { type: 'boolean' }, stdio: { type: 'boolean' }, 'idle-ms': { type: 'string' } },
  });
  const allowUnsafe = values['allow-unsafe'] === true;
  if (values.stdio) return serveStdioCommand(values['idle-ms'], allowUnsafe);
  if (values.host !== undefined && !/^[0-9A-Za-z.:_-]{1,255}$/.test(values.host)) fail(`bad --host address: ${values.host}`);
  const port = values.port !== undefined ? Number(values.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad port: ${values.port}`);
  const dir = rendererDir();
  if (!fs.existsSync(`${dir}/index.html`)) fail(`the renderer is not built (${dir}/index.html missing): run npm run build`);
  // --unsafe runs: allowed only by whoever starts the server, never by the page.
  const backend = createBackend({ consentToUnsafe: serveConsent(allowUnsafe) });
  if (allowUnsafe) process.stderr.write('kscope: warning: --allow-unsafe: any page holding the token can run scripts with --unsafe (system() as root)\n');
  const host = await startHost({
    impl: backend.impl,
    events: backend.events,
    rendererDir: dir,
    port,
    // Loopback unless --host is given; then the host prints a warning (exposureWarning).
    host: values.host,
    allowRemote: values.host !== undefined,
    // The folder exportRecording writes to: GET /exports/NAME?token=… is how a browser gets the file.
    exportsDir: backend.exportsDir ?? undefined,
    log: (l) => process.stderr.write(l + '\n'),
  }).catch(async (e: NodeJS.ErrnoException) => {
    await backend.shutdown();
    if (e.code === 'EADDRINUSE') fail(`port ${port} is in use: choose another with --port N, or --port 0 for any free one`, 1);
    if (e.code === 'EACCES') fail(`port ${port} needs privileges to listen on: choose one above 1023`, 1);
    if (e.code === 'EADDRNOTAVAIL') fail(`cannot listen on ${values.host}: no such address on this machine`, 1);
    throw e;
  });
  process.stdout.write(`kscope ${packageVersion()} serving on ${host.url}\n`);
  if (process.getuid?.() !== 0) {
    const plan = planLaunch(gatherLaunchFacts(process.env, false));
    process.stderr.write(
      plan.kind === 'helper'
        ? `kscope: not root: runs go through kscope's privileged helper (${plan.command.via === 'pkexec' ? 'pkexec asks for authentication' : plan.command.via}).\n`
        : `kscope: not root: runs will be refused until this is fixed: ${plan.kind === 'refuse' ? plan.message : 'unknown'}\n`,
    );
  }
  if (values.open) {
    const browser = ['chromium', 'chromium-browser', 'google-chrome', 'xdg-open'].map((b) => findOnPath(b)).find(Boolean);
    if (!hasDisplay()) process.stderr.write('kscope: no display: open the URL above in a browser (or over an SSH tunnel)\n');
    else if (!browser) process.stderr.write('kscope: no browser found: open the URL above\n');
    else {
      const passwd = () => {
        try {
          return fs.readFileSync('/etc/passwd', 'utf8');
        } catch {
          return '';
        }
      };
      const c = browserCommand({ browser, url: host.url, uid: process.getuid?.() ?? -1, env: process.env, setpriv: findOnPath('setpriv'), homeOf: (uid) => homeFromPasswd(passwd(), uid) });
      if (c.warning) process.stderr.write(c.warning + '\n');
      spawn(c.command, c.args, { stdio: 'ignore', detached: true, env: c.env }).unref();
    }
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('kscope: stopping runs and closing\n');
  await backend.shutdown();
  await host.close();
  return 0;
}
