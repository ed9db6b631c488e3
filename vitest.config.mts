import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: run files in parallel on both, each in its own fork (tfjs backends are per process).
    pool: 'forks',
    maxWorkers: 2,
  },
});
