#!/usr/bin/env node
// Writes test/fixtures/exports/reference/ from today's exporters and importers (see
// test/support/export-references.ts): only when an output is meant to change.
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-refs-'));
const outfile = path.join(root, 'build', 'gen-export-references.mjs'); // under the project: its packages resolve
await build({
  stdin: { contents: "export { referenceOutputs, REFERENCE_DIR } from './test/support/export-references.ts';", resolveDir: root, loader: 'ts' },
  outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', logLevel: 'warning',
});
const { referenceOutputs, REFERENCE_DIR } = await import(outfile);
const outs = await referenceOutputs(tmp);
fs.rmSync(REFERENCE_DIR, { recursive: true, force: true });
fs.mkdirSync(REFERENCE_DIR, { recursive: true });
for (const [name, bytes] of outs) fs.writeFileSync(path.join(REFERENCE_DIR, name), bytes);
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`gen-export-references: wrote ${outs.size} files to ${path.relative(root, REFERENCE_DIR)}`);
