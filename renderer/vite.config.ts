// The renderer's build. Root is renderer/; the output goes to dist/renderer and is loaded
// both from file:// (Electron) and from `/` over the host, hence the relative base.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // Vite 8 transforms TS/TSX itself (oxc); no React plugin is needed for the automatic runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Vite's default (500 kB) stays on, so a view that grows past it is seen in the build.
    // Monaco's own chunk is the one known exception: it is loaded after first paint.
    chunkSizeWarningLimit: 500,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
});
