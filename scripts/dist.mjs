// `npm run dist`: package kscope for Linux with electron-builder (electron-builder.yml), as
// far as this machine allows, and say what was skipped and why.
//
//   the unpacked app (--linux dir)  always; it needs the Electron binary, which `npm install`
//                                   downloads into node_modules/electron/dist. Without it
//                                   (no internet when installing), the app is laid out in
//                                   full with a placeholder where the binary goes, and the
//                                   placeholder says so when run.
//   deb, AppImage                   with KSCOPE_DIST_ALL=1, on a machine with internet
//                                   (electron-builder downloads fpm and appimagetool).
//
// Then it checks the layout and runs the packaged CLI bundle with this Node (--version).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

const done = [];
const skipped = [];
const fail = (msg) => {
  console.error(`kscope dist: ${msg}`);
  process.exit(1);
};

// 1. What goes in: the bundles and the native addon.
if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0) fail('the build failed (see above)');
const addon = 'native/build/Release/kscope_native.node';
if (!fs.existsSync(addon) && spawnSync('bash', ['scripts/build-native.sh'], { stdio: 'inherit' }).status !== 0) fail(`the native addon (${addon}) could not be built: npm run build:native says why`);

// 2. Which targets, and with which Electron.
const config = require('js-yaml').load(fs.readFileSync('electron-builder.yml', 'utf8'));
const all = process.env.KSCOPE_DIST_ALL === '1';
const targets = all ? ['dir', 'deb', 'AppImage'] : ['dir'];
if (!all) skipped.push('deb and AppImage: electron-builder downloads fpm and appimagetool for them (set KSCOPE_DIST_ALL=1 on a machine with internet)');

const electronDist = path.join(root, 'node_modules/electron/dist');
const electronVersion = require('electron/package.json').version;
let placeholder = false;
if (fs.existsSync(path.join(electronDist, 'electron'))) {
  config.electronDist = electronDist;
} else if (all) {
  console.warn('kscope dist: no Electron binary in node_modules/electron/dist; electron-builder will download it');
} else {
  // A placeholder Electron distribution: electron-builder lays out the whole app around it.
  placeholder = true;
  const stub = path.join(root, 'build/electron-placeholder');
  fs.rmSync(stub, { recursive: true, force: true });
  fs.mkdirSync(stub, { recursive: true });
  fs.writeFileSync(
    path.join(stub, 'electron'),
    '#!/bin/sh\n' +
      `echo "kscope: this build has no Electron ${electronVersion} binary (it could not be downloaded where it was built)." >&2\n` +
      'echo "Rebuild with npm run dist on a machine with internet, or use the CLI and kscope serve with Node." >&2\n' +
      'exit 1\n',
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(stub, 'version'), electronVersion);
  config.electronDist = stub;
  config.electronFuses = null; // fuses are flipped in the real binary only
  skipped.push(`the Electron ${electronVersion} binary: not in node_modules/electron/dist (its download needs internet; npm ships only the downloader). build/dist/linux-unpacked/kscope is a placeholder that says so; Electron's own files (libraries, .pak, locales, chrome-sandbox) are missing`);
  skipped.push('Electron fuses (flipped in the real binary only)');
}

// 3. electron-builder (into a clean output: nothing stale from an earlier build).
fs.rmSync(path.join(root, config.directories.output, 'linux-unpacked'), { recursive: true, force: true });
const { build, Platform } = require('electron-builder');
try {
  await build({ targets: Platform.LINUX.createTarget(targets), config, publish: 'never' });
} catch (e) {
  fail(`electron-builder failed: ${e instanceof Error ? e.message : e}`);
}

// 4. Check what came out.
const out = path.join(root, config.directories.output);
const unpacked = path.join(out, 'linux-unpacked');
const expect = [
  ['kscope', 0o111],
  ['resources/app/package.json'],
  ['resources/app/dist/electron/main.cjs'],
  ['resources/app/dist/electron/preload.cjs'],
  ['resources/app/dist/electron/cli.cjs'],
  ['resources/app/dist/renderer/index.html'],
  ['resources/app/native/build/Release/kscope_native.node'],
  ['resources/native/kscope_native.node'],
  ['resources/helper/helper.cjs'],
  ['resources/helper/kscope-helper', 0o111],
  ['resources/helper/kscope-helper-unsafe', 0o111],
  ['resources/bin/kscope', 0o111],
  ['resources/resources/linux/org.kscope.run-bpftrace.policy'],
  ['resources/resources/examples/lesson-2.bt'],
];
const problems = [];
for (const [rel, mode] of expect) {
  const p = path.join(unpacked, rel);
  if (!fs.existsSync(p)) problems.push(`missing ${rel}`);
  else if (mode && (fs.statSync(p).mode & mode) === 0) problems.push(`${rel} is not executable`);
}
if (fs.existsSync(path.join(unpacked, 'resources/app/node_modules'))) problems.push('resources/app/node_modules is in the package (everything should be bundled)');
if (problems.length) fail(`the unpacked app is incomplete: ${problems.join('; ')}`);

// The packaged CLI bundle runs (with this Node; the packaged one runs it with Electron as Node).
const cli = spawnSync(process.execPath, [path.join(unpacked, 'resources/app/dist/electron/cli.cjs'), '--version'], {
  encoding: 'utf8',
  env: { ...process.env, KSCOPE_RESOURCES: path.join(unpacked, 'resources/resources') },
});
if (cli.status !== 0) fail(`the packaged CLI does not run: ${cli.stderr}`);
const pkgVersion = JSON.parse(fs.readFileSync('package.json', 'utf8')).version;
if (!cli.stdout.includes(pkgVersion)) fail(`the packaged CLI printed ${cli.stdout.trim()}, not version ${pkgVersion}`);

const size = (dir) => {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? size(path.join(dir, e.name)) : fs.lstatSync(path.join(dir, e.name)).size;
  return n;
};
done.push(`${path.relative(root, unpacked)} (${(size(unpacked) / 1e6).toFixed(1)} MB${placeholder ? ', Electron binary missing: placeholder' : ''}); its CLI bundle answers --version (${cli.stdout.trim()})`);
for (const f of fs.readdirSync(out)) if (/\.(deb|AppImage)$/.test(f)) done.push(path.join(path.relative(root, out), f));
if (placeholder) fs.writeFileSync(path.join(unpacked, 'ELECTRON-BINARY-MISSING.txt'), `This unpacked kscope lacks Electron ${electronVersion}'s binary and files: ${skipped[skipped.length - 2]}\n`);

console.log(`kscope dist: built ${done.join('; ')}`);
for (const s of skipped) console.log(`kscope dist: skipped ${s}`);
