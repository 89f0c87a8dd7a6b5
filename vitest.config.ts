import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The dashboard's pure modules are tested beside them (web/ is type-checked on its own).
    include: ['test/**/*.test.ts', 'web/src/**/*.test.ts'],
    // The Temporal core bridge is native code: worker threads have crashed it, processes are safe.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Two cores: integration files each run a worker; keep them from starving each other.
    maxWorkers: 2,
  },
});
