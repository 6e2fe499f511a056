import { defineConfig } from 'vitest/config';

// One worker, modules shared across files: the embedded database is created and migrated once
// per run (PGlite's initdb costs seconds) and tests isolate themselves with fresh accounts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every procedure's answer is checked strictly against its output schema (production skips it).
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    isolate: false,
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
