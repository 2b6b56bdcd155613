// The root helper's bundle stays small and honest: what runs as root is ~25 KB of our own
// code (no zod, no node_modules at all), built as scripts/build.mjs builds it.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the helper bundle', () => {
  it('is under 150 KB, with no third-party code and none of the app beyond what it needs', async () => {
    const r = await build({ entryPoints: ['root-helper/main.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, metafile: true, external: ['electron', 'bufferutil', 'utf-8-validate'], logLevel: 'error' });
    const bytes = r.outputFiles[0].contents.length;
    const inputs = Object.keys(r.metafile.inputs);
    console.log(`helper bundle: ${bytes.toLocaleString('en-US')} bytes from ${inputs.length} files: ${inputs.join(', ')}`);
    expect(bytes).toBeLessThan(150 * 1024);
    expect(inputs.filter((f) => f.includes('node_modules'))).toEqual([]);
    // Not the contract (zod), the catalog, the engine's sessions or the exports.
    expect(inputs.filter((f) => /electron\/(api|catalog|exports|library|host)\/|engine\/(session|sessions|decode)/.test(f))).toEqual([]);
    const text = r.outputFiles[0].text;
    expect(text).not.toMatch(/listProbes|"capabilities"/);
  });
});
