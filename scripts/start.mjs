// `npm start`: Electron when its binary is present and there is a display, otherwise
// browser mode (`kscope serve --open`), which prints its URL and opens Chromium when it can.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const display = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const electronBin = 'node_modules/electron/dist/electron';
const root = process.getuid?.() === 0;

if (!fs.existsSync('dist/electron/cli.cjs')) {
  console.error('kscope is not built: run bash scripts/setup.sh (or npm run build)');
  process.exit(1);
}
if (!root) {
  console.error('kscope: not running as root: runs go through kscope\'s privileged helper (pkexec asks for');
  console.error('        authentication, or sudo -n where configured); the app says what to do when neither works.');
}

let child;
if (display && fs.existsSync(electronBin)) {
  // The GUI is never root: under sudo, Electron runs as the user who ran sudo (runs then go
  // through the privileged helper); only a true root login gets an unsandboxed window.
  const id = /^[1-9]\d{0,9}$/;
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
  if (root && id.test(process.env.SUDO_UID ?? '') && id.test(process.env.SUDO_GID ?? '') && setpriv) {
    const home = fs.readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((p) => p[2] === process.env.SUDO_UID)?.[5];
    console.error(`kscope: starting the desktop app (Electron) as ${process.env.SUDO_USER ?? process.env.SUDO_UID}, not root`);
    child = spawn(setpriv, ['--reuid', process.env.SUDO_UID, '--regid', process.env.SUDO_GID, '--init-groups', '--', electronBin, '.'], {
      stdio: 'inherit',
      env: { ...process.env, ...(home ? { HOME: home } : {}) },
    });
  } else {
    if (root) console.error('kscope: WARNING: running the window as root without its sandbox (no sudo user to run it as); prefer starting kscope as your user');
    console.error('kscope: starting the desktop app (Electron)');
    child = spawn(electronBin, [...(root ? ['--no-sandbox'] : []), '.'], { stdio: 'inherit' });
  }
} else {
  console.error(
    display
      ? 'kscope: the Electron binary is not downloaded here; starting browser mode'
      : 'kscope: no display; starting browser mode (open the URL below, e.g. through ssh -L)',
  );
  child = spawn(process.execPath, ['dist/electron/cli.cjs', 'serve', '--open', ...process.argv.slice(2)], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
