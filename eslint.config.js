// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'db/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { ignores: ['web/**'], languageOptions: { globals: globals.node } },
  {
    // The dashboard runs in a browser: no Node globals, and the server only as types (the bundle
    // would otherwise pull in drizzle, Temporal, …) — except common/, pure modules written for both.
    files: ['web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?:\\.\\./){3,}(?!common/)', allowTypeImports: true, message: 'The server enters the dashboard as types only (import type).' }] }],
    },
  },
  { files: ['web/vite.config.ts'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The rules are pure: `now` is an argument, so the simulator can drive them as the workflow does.
    files: ['workflows/rules/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: '规则须为纯函数：now 作为参数传入 / pass now as an argument.' },
        { object: 'Math', property: 'random', message: '规则须为纯函数 / rules must be pure.' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: '规则须为纯函数 / no clock in rules.' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox (its Date and Math.random are replayed); no I/O.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'drizzle-orm*', 'postgres', 'node:*', 'fs', 'chinese-days'], message: 'No I/O in the workflow bundle.' },
            { group: ['../activities/*', '../db/*'], allowTypeImports: true, message: 'Import activities as types only.' },
          ],
        },
      ],
    },
  },
);
