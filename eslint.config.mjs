// ESLint (flat config) with typescript-eslint's type-aware rules. `npm test` runs it (pretest).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox and is replayed from history: it must not
// do I/O or read clocks/randomness outside @temporalio/workflow. So workflows, and src/core and
// src/policy which they load, may not import Node built-ins, drivers, HTTP or the Temporal
// client/worker/activity packages; this is refused here, before the worker's bundler or a replay
// finds it. Which of our own folders they may import (workflows/, src/core, src/policy; never
// activities/) is .dependency-cruiser.cjs's job, with the rest of the import direction.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const workflowForbiddenPackages = [
  ...nodeBuiltins,
  'mongodb',
  'undici',
  'fastify',
  'prom-client',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];
const workflowImportRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: workflowForbiddenPackages.map((name) => ({
        name,
        message: 'Workflow code must stay deterministic: no I/O modules (do it in an activity).',
      })),
      patterns: [
        { group: ['node:*'], message: 'Workflow code must not import Node built-ins (do it in an activity).' },
        { group: ['@fastify/*', 'mongodb/*', 'undici/*', '@temporalio/*/lib/*'], message: 'Not in workflow code.' },
      ],
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', '.tools/', '.data/', 'bench/results/', 'coverage/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with its nearest tsconfig: tsconfig.json (src, workflows,
        // activities, test, scripts) or bench/tsconfig.json (bench).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Off: `async` with no `await` is how Fastify plugins and route handlers, and implementations
      // of promise-returning interfaces, declare their contract; the rule would push them to
      // callbacks or Promise.resolve(). Floating and misused promises stay errors.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts', 'src/core/**/*.ts', 'src/policy/**/*.ts', 'bench/ceiling/workflows.ts'],
    rules: workflowImportRules,
  },
  {
    files: ['test/**/*.ts'],
    // Tests read JSON answers (typed `any`) field by field and let the assertion judge them; the
    // no-unsafe-* rules would make every expectation a cast. The promise rules stay on.
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // Plain JS config files are in no tsconfig: lint them without type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { module: 'readonly', require: 'readonly', __dirname: 'readonly' },
    },
  },
);
