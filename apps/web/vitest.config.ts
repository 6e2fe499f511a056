import { defineConfig } from 'vitest/config';

// Two projects, both run by `pnpm test`: fast unit tests of the dashboard's pure helpers, and the
// browser suite (playwright-core driving Debian's Chromium against the real server on a fresh
// database). The browser suite runs in one fork: one server, one browser, flows in order.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
