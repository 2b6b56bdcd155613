import { defineConfig } from 'vitest/config';

// Three tiers, as bpftrace has them: unit (fixtures, everywhere), runtime (real bpftrace,
// needs root; each test prints why it skips), e2e (Chromium over `kscope serve`).
// Where tests live: beside their code in every layer, plus test/ (fuzzers) and tooling/.
const LAYERS = '{common,node,cli,electron-main,electron-preload,root-helper,renderer,test,tooling,bench}';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [`${LAYERS}/**/*.test.ts`, 'renderer/**/*.test.tsx'],
          exclude: ['**/*.runtime.test.ts', '**/node_modules/**'],
          environment: 'node',
          // The fuzzers push 10,000 messages a test through a door: on a loaded 2-core CI
          // machine that outlasts vitest's 5 s default. A timeout here is a hang guard, not a speed check.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'runtime',
          include: [`${LAYERS}/**/*.runtime.test.ts`],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
