import { defineConfig } from 'vitest/config';

// The pack test builds, packs and installs the package and starts the real API: minutes at worst
// on a cold npm cache, so its timeouts are long; the retry tests are quick.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 240_000,
  },
});
