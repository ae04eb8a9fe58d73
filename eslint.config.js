// Lint rules for the TypeScript sources, tests, benchmarks and scripts. Formatting is Prettier's job
// (eslint-config-prettier turns off every rule that would fight it); the import rules between modules
// are dependency-cruiser's (.dependency-cruiser.cjs). `npm run lint` runs all three.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', 'reports/', 'test-artifacts/', '.cache/', 'ios/', 'test/fixtures/**/*.json'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  // Before the rules below: it turns max-len off, and the rule below turns it back on for what Prettier cannot wrap.
  prettier,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // Control characters in patterns are the point where the code finds them in data (terminal-text,
      // data-path, the capture checks) and in the tests that feed them.
      'no-control-regex': 'off',
    },
  },
  {
    // Type-aware rules need the TypeScript program: every .ts file is in tsconfig.json.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error: the run goes on as if the step had worked.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function passed where a plain callback is expected (an event handler, forEach):
      // its rejection reaches nobody.
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Every line within 120 columns (the house standard). Prettier wraps code there but not comments,
    // strings, templates or regular expressions: a long message is written as concatenated parts, a
    // long pattern as new RegExp over String.raw parts. Only a URL may run past the edge.
    files: ['**/*.{ts,js,mjs,cjs}'],
    rules: {
      'max-len': ['error', { code: 120, ignoreUrls: true }],
    },
  },
  {
    // The library and the command: small functions (the house standard).
    files: ['src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // stats also runs on devices inside the bundled device runner: no process, no Buffer, no require.
    files: ['src/stats/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/stats is pure: pass what it needs as arguments.' },
        { name: 'Buffer', message: 'src/stats is pure: it works on numbers.' },
        { name: 'require', message: 'src/stats is pure: import its own files or simple-statistics.' },
      ],
    },
  },
  {
    // Plain JavaScript (bin/, scripts/*.js, this file) is not in the TypeScript program.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
