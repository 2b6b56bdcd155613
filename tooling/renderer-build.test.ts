// The renderer's build is a production build whoever runs it: this test runs under
// vitest's NODE_ENV=test (which once made Vite build React's development runtime into
// dist/renderer) and builds into a temporary folder, never over dist/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

describe('scripts/build.mjs renderer', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kscope-renderer-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('builds production React (no jsxDEV) with Monaco in its own lazily loaded chunk, even under NODE_ENV=test', () => {
    expect(process.env.NODE_ENV).toBe('test');
    const r = spawnSync(process.execPath, ['scripts/build.mjs', 'renderer'], { env: { ...process.env, KSCOPE_RENDERER_OUT: out }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const assets = path.join(out, 'assets');
    const js = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
    for (const f of js) expect(fs.readFileSync(path.join(assets, f), 'utf8'), f).not.toContain('jsxDEV');
    // The entry (the one index.html loads) is not the editor's chunk, and does not carry Monaco.
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    const entry = /<script[^>]+src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const editor = js.find((f) => f.startsWith('Editor-'));
    expect(editor, js.join(', ')).toBeDefined();
    const entryText = fs.readFileSync(path.join(assets, entry!), 'utf8');
    expect(entryText).not.toContain('MonacoEnvironment');
    expect(fs.readFileSync(path.join(assets, editor!), 'utf8')).toContain('MonacoEnvironment');
    expect(fs.statSync(path.join(assets, entry!)).size).toBeLessThan(fs.statSync(path.join(assets, editor!)).size);
  }, 180_000);
});
