// `npx eslint .` (also a step of `npm test`): typescript-eslint's type-aware recommended rules plus the project's own.
// .svelte files are checked by svelte-check (npm test runs it); eslint reads the TypeScript and the plain scripts.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'docs/**', 'node_modules/**', 'test-output/**', '.tmp/**', '.vitest-attachments/**', '**/*.svelte'],
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
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Plain Node scripts and configs outside the TypeScript projects: syntax-level rules only.
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
