// `npm run dist`: package kscope for Linux. The unpacked app (`--linux dir`) needs only the
// Electron binary; deb and AppImage need tools electron-builder downloads, so they are
// built only with KSCOPE_DIST_ALL=1 on a machine with internet. Says what it skipped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status === 0;
if (!run(process.execPath, ['scripts/build.mjs'])) process.exit(1);

const targets = process.env.KSCOPE_DIST_ALL === '1' ? ['dir', 'deb', 'AppImage'] : ['dir'];
const skipped = targets.includes('deb') ? [] : ['deb', 'AppImage (set KSCOPE_DIST_ALL=1 on a machine with internet)'];
const args = ['--no-install', 'electron-builder', '--linux', ...targets, '--publish', 'never'];
const electronDist = 'node_modules/electron/dist';
if (fs.existsSync(`${electronDist}/electron`)) args.push(`-c.electronDist=${electronDist}`);
else console.warn('kscope dist: the Electron binary is not in node_modules/electron/dist; electron-builder will try to download it');
const ok = run('npx', args);
console.log(ok ? 'kscope dist: built build/dist/linux-unpacked' : 'kscope dist: electron-builder failed (see above)');
if (skipped.length) console.log(`kscope dist: skipped ${skipped.join(', ')}`);
process.exit(ok ? 0 : 1);
