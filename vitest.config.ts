import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // DuckDB work is CPU-bound and this machine has 2 cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Output is asserted as plain text. picocolors turns colours on whenever `CI` is set
    // (as it is in CI), so switch them off for the tests and the processes they spawn.
    env: { NO_COLOR: '1' },
  },
});
