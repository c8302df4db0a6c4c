// `npx eslint .` (a step of `npm test`): typescript-eslint's type-aware recommended rules plus a few of the project's
// own. .svelte files are checked by svelte-check (also a step of `npm test`); eslint reads the TypeScript and the plain
// scripts. Build outputs (out/) and docs are not read.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'docs/**', 'test-output/**', '.tmp/**', '.vitest-attachments/**', '**/*.svelte'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The first project that includes a file types it: tsconfig.node.json (main, shared, tests, bench), then the
        // renderer's tsconfig.json (src-renderer, test/renderer).
        project: ['./tsconfig.node.json', './tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true, allowNever: true }],
      // The house style writes `!` on every indexed read (noUncheckedIndexedAccess); the renderer's tsconfig lacks that
      // flag and some receivers accept undefined, so the rule calls those `!` unnecessary.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Hooks and ports (LearnerHooks.shouldStop, ctx.call, reporter.shouldStop) are objects of functions written with
      // method syntax that never read `this`; passing them on is how they are meant to be used.
      '@typescript-eslint/unbound-method': 'off',
      // An async function without await is how fakes and adapters implement a Promise-returning interface.
      '@typescript-eslint/require-await': 'off',
      // String(value) on an unknown value is the deliberate last resort of error messages and the CLI's formatter.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // shared/ runs in the main process, workers, the renderer and the CLI: no Node, Electron or Svelte.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'electron', 'electron/*', 'svelte', 'svelte/*'], message: 'shared/ stays pure: no node:*, electron or svelte imports.' }] }],
    },
  },
  {
    // The domain, the engine and the metric are what the IPC contract carries: they never import the transport layer.
    files: ['shared/domain/**/*.ts', 'shared/engine/**/*.ts', 'shared/metric/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'electron', 'electron/*', 'svelte', 'svelte/*'], message: 'shared/ stays pure: no node:*, electron or svelte imports.' },
            { group: ['**/ipc/**'], message: 'The transport layer (shared/ipc) imports the domain, never the other way round.' },
          ],
        },
      ],
    },
  },
  {
    // The math library knows no consumer: it never imports the engine, metrics, IPC, exports, reports or samples.
    files: ['shared/math/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'electron', 'electron/*', 'svelte', 'svelte/*'], message: 'shared/ stays pure: no node:*, electron or svelte imports.' },
            { group: ['**/engine/**', '**/metric/**', '**/ipc/**', '**/export/**', '**/report/**', '**/samples/**'], message: 'shared/math is a library: it imports no consumer.' },
          ],
        },
      ],
    },
  },
  {
    // Tests read untyped JSON (CLI output, HTTP bodies), mock Electron's modules and send malformed payloads on purpose.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Plain Node scripts and configs outside the TypeScript projects: syntax-level rules only.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
