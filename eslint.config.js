// Lint, and the layering rules a newcomer should not have to remember:
//   shared/    pure TypeScript: no DOM, Node or Electron; imports nothing above it.
//   renderer/  browser code: shared/ only (no Node, no Electron, no server).
//   server/    Node: shared/ only.
//   electron/  Node + Electron: shared/ only; 'electron' at runtime only in the entry files.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Bare module names (exact match), so a folder called events/ is not mistaken for Node's.
const nodeBuiltins = ['node:*', ...builtinModules];
// `typeOk`: modules that may be imported as types only (Electron objects passed as arguments).
const layer = (forbidden, message, typeOk = []) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: forbidden
        .filter((m) => !m.includes('*') && !m.includes('/'))
        .map((name) => ({ name, message, ...(typeOk.includes(name) ? { allowTypeImports: true } : {}) })),
      patterns: forbidden.filter((m) => m.includes('*') || m.includes('/')).map((group) => ({ group: [group], message })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'coverage/**', 'tests/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Tests read JSON bodies of any shape; assertions check them.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: layer(['**/electron/**', '**/renderer/**', '**/server/**', '**/tests/**', 'electron', 'react', 'dexie', ...nodeBuiltins], 'shared/ is pure TypeScript: no DOM, Node, Electron or upper layers'),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer(['**/electron/**', '**/server/**', 'electron', ...nodeBuiltins], 'renderer/ runs in the browser: shared/ and web APIs only'),
  },
  {
    files: ['server/**/*.ts'],
    rules: layer(['**/electron/**', '**/renderer/**', 'electron'], 'server/ depends on shared/ only'),
  },
  {
    // The entry files (main process, preload) are the only runtime importers of 'electron'.
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/index.ts', 'electron/preload/index.ts'],
    rules: layer(
      ['**/renderer/**', '**/server/**', 'electron'],
      "only the entry files import 'electron' at runtime; others take Electron objects as arguments (import type is fine)",
      ['electron'],
    ),
  },
);
