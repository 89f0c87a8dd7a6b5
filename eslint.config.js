// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'db/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no clocks, no randomness, no I/O.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: '工作流代码须确定性：使用 workflow 提供的时间 / use the workflow clock.' },
        { object: 'Math', property: 'random', message: '工作流代码须确定性 / workflow code must be deterministic.' },
      ],
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
