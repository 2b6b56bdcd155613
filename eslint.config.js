// Lint, and above all the layering of the house (shared/DESIGN.md): the renderer reaches
// the privileged side only through electron/api; electron/api imports no side; the
// `electron` module is imported only by main.ts and preload.ts (and only as a type
// elsewhere, so tests never start the Electron binary).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'native/build/', 'e2e/output/', 'bench/output/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain Node scripts (build, setup, bench runners, dev servers).
    files: ['**/*.mjs', '**/*.cjs', 'eslint.config.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'queueMicrotask', '__dirname', 'require', 'module'].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+electron/(?!api(/index(\\.js)?)?$)',
              message: 'renderer/ may import only electron/api (DESIGN.md: one contract).',
            },
            { regex: '^(electron|node:.*|fs|child_process|path|os|ws)$', message: 'renderer/ runs sandboxed: no Node or Electron modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // Anything above electron/api is a side (engine, library, exports, …, or the renderer).
            { regex: '^\\.\\./', message: 'electron/api imports no side.' },
            { regex: '^(electron|node:.*|ws)$', message: 'electron/api is pure: no Node, DOM or Electron modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron-main/main.ts', 'electron-preload/preload.ts', 'electron/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only main.ts and preload.ts import electron (use import type elsewhere).', allowTypeImports: true }],
          patterns: [{ regex: '^(\\.\\./)+renderer/', message: 'The privileged side does not import the renderer.' }],
        },
      ],
    },
  },
  {
    // The sandboxed preload bundles every import: only the zod-free names (common/contract/names.ts).
    files: ['electron-preload/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.(?!/api/names\\.js$)', message: 'preload.ts imports only electron and ./api/names.js (the bundle must stay small, no zod).' }] },
      ],
    },
  },
);
