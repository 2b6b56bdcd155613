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
  console.error('kscope: not running as root. bpftrace needs root (or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN):');
  console.error('        the app will open, but runs will be refused. To trace: sudo npm start');
}

let child;
if (display && fs.existsSync(electronBin)) {
  console.error('kscope: starting the desktop app (Electron)');
  child = spawn(electronBin, [...(root ? ['--no-sandbox'] : []), '.'], { stdio: 'inherit' });
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
