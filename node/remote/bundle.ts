// kscope's Node bundle as the far side receives it: a tar of the built CLI (one esbuild
// file with its dependencies), the helper, package.json (the version) and the example
// gallery, named by its SHA-256 so a host keeps one copy per build.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

declare const __dirname: string | undefined;

export interface Bundle {
  tar: Buffer;
  sha256: string;
  root: string;
}

const PARTS = ['package.json', 'dist/electron/cli.cjs', 'dist/electron/helper.cjs', 'resources/examples'];

/** The folder holding package.json and dist/electron/cli.cjs: beside this bundle, or the working tree. */
export function bundleRoot(): string {
  const list = [...(typeof __dirname === 'string' ? [path.resolve(__dirname, '..', '..')] : []), process.cwd()];
  const found = list.find((p) => fs.existsSync(path.join(p, 'dist', 'electron', 'cli.cjs')));
  if (!found) throw new Error(`kscope's built CLI is not there (${list.map((p) => path.join(p, 'dist/electron/cli.cjs')).join(', ')}): run npm run build`);
  return found;
}

export function makeBundle(root = bundleRoot()): Bundle {
  const parts = PARTS.filter((p) => fs.existsSync(path.join(root, p)));
  if (!parts.includes('dist/electron/cli.cjs')) throw new Error(`${root}/dist/electron/cli.cjs is missing: run npm run build`);
  // Fixed owner and times: the same build gives the same bytes, so the far side's copy is reused.
  const tar = execFileSync('tar', ['-cf', '-', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--sort=name', '-C', root, ...parts], { maxBuffer: 256 * 1024 * 1024 });
  return { tar, sha256: createHash('sha256').update(tar).digest('hex'), root };
}
