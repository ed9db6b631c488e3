import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The default output, then what did not run on this machine and why (a cross-check is never silently skipped).
    reporters: ['default', './test/helpers/not-run-reporter.ts'],
    // Limits that only catch a hang: no test is about speed, and a loaded machine may take several times longer.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    // Two cores here: run files in parallel on both, each in its own fork (tfjs backends are per process).
    pool: 'forks',
    maxWorkers: 2,
  },
});
