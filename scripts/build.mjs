// Build everything that runs: the Node side (esbuild: cli, Electron main, sandboxed
// preload as CommonJS bundles) and the renderer (Vite). The native addon is built by
// scripts/build-native.sh (npm run build:native), called from scripts/setup.sh.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const only = process.argv[2];
fs.mkdirSync('dist/electron', { recursive: true });

if (!only || only === 'electron') {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    external: ['electron', 'bufferutil', 'utf-8-validate'],
    logLevel: 'warning',
  };
  await Promise.all([
    build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/electron/cli.cjs', }),
    build({ ...common, entryPoints: ['electron-main/main.ts'], outfile: 'dist/electron/main.cjs' }),
    // The privileged helper (pkexec/sudo run it as root): a separate, small bundle.
    build({ ...common, entryPoints: ['root-helper/main.ts'], outfile: 'dist/electron/helper.cjs' }),
    // Sandboxed preloads must be a single CommonJS file that requires only 'electron'.
    build({ ...common, entryPoints: ['electron-preload/preload.ts'], outfile: 'dist/electron/preload.cjs', platform: 'browser', format: 'cjs' }),
  ]);
  fs.chmodSync('dist/electron/cli.cjs', 0o755);
  console.log('built dist/electron/{cli,main,preload,helper}.cjs');
}
if (!only || only === 'renderer') {
  // A production build every time, whoever calls us: vitest runs with NODE_ENV=test, and
  // Vite then builds React's development runtime (jsxDEV) into dist/renderer, which
  // `npm start` would serve. The mode and NODE_ENV are ours to set, not the caller's.
  const outDir = process.env.KSCOPE_RENDERER_OUT; // tests build elsewhere, never over dist/
  execFileSync('npx', ['--no-install', 'vite', 'build', '--config', 'renderer/vite.config.ts', '--mode', 'production', '--logLevel', 'warn', ...(outDir ? ['--outDir', outDir, '--emptyOutDir'] : [])], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  console.log('built dist/renderer');
}
