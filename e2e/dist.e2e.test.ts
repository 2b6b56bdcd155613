// `npm run dist` here: it builds the unpacked Linux app, says what it skipped, and the
// packaged CLI runs through its PATH wrapper (Node standing in for Electron-as-Node when
// the Electron binary is absent).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const UNPACKED = path.resolve('build/dist/linux-unpacked');
const hasElectron = fs.existsSync('node_modules/electron/dist/electron');

describe('npm run dist', () => {
  let out = '';
  it('builds the unpacked app and says what it skipped', () => {
    // Without VITEST: electron-builder hard-links files when it sees it (and then trips over its own output).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const r = spawnSync(process.execPath, ['scripts/dist.mjs'], { encoding: 'utf8', env: { ...env, KSCOPE_DIST_ALL: '' }, timeout: 300_000 });
    out = r.stdout + r.stderr;
    if (r.status !== 0) console.error(out.slice(-3000));
    expect(r.status).toBe(0);
    expect(out).toMatch(/kscope dist: built build\/dist\/linux-unpacked/);
    expect(out).toMatch(/kscope dist: skipped deb and AppImage/);
    if (!hasElectron) expect(out).toMatch(/kscope dist: skipped the Electron [\d.]+ binary/);
    expect(fs.existsSync(path.join(UNPACKED, 'resources/app/node_modules'))).toBe(false);
  });

  it.skipIf(hasElectron)('leaves a placeholder that says the Electron binary is missing', () => {
    const r = spawnSync(path.join(UNPACKED, 'kscope'), [], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no Electron [\d.]+ binary/);
  });

  it('the kscope CLI on PATH runs the packaged bundle', () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-dist-'));
    fs.cpSync(UNPACKED, app, { recursive: true });
    if (!hasElectron) {
      fs.rmSync(path.join(app, 'kscope'));
      fs.symlinkSync(process.execPath, path.join(app, 'kscope')); // Node for Electron-as-Node
    }
    const link = path.join(app, 'kscope-on-path');
    fs.symlinkSync(path.join(app, 'resources/bin/kscope'), link); // as /usr/bin/kscope
    const env = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' };
    const version = spawnSync(link, ['--version'], { encoding: 'utf8', env });
    expect(version.stdout).toMatch(/^kscope \d+\.\d+\.\d+/);
    const examples = spawnSync(link, ['examples'], { encoding: 'utf8', env });
    expect(examples.status, examples.stderr).toBe(0);
    expect(examples.stdout).toMatch(/lesson-2\s/);
    fs.rmSync(app, { recursive: true, force: true });
  });
});
