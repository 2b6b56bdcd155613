// Lint, and above all the layering of the house (DESIGN.md): each top folder is a layer
// named for where its code runs and with what privilege, and tooling/eslint-layering.js
// holds the matrix of which layer may import which (tooling/lint-layering.test.ts proves
// that a forbidden import fails).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layering from './tooling/eslint-layering.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'native/build/', 'e2e/output/', 'bench/output/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain Node scripts (build, setup, bench runners, dev servers).
    files: ['**/*.mjs', '**/*.cjs', 'eslint.config.js', 'tooling/*.js'],
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
    files: ['**/*.{ts,tsx}'],
    plugins: { house: layering },
    rules: { 'house/layering': 'error' },
  },
);
