import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

// `npm run fuzz` (issue #17): the full battery, FUZZ_RUNS (default 10,000) generated
// requests for every route on SQLite and PostgreSQL, and the WebSocket stream. Long
// timeouts: a full run takes many minutes. `npm test` runs a sample instead
// (test/integration/server-fuzz-sample.test.ts).
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/fuzz/**/*.test.ts'],
    globalSetup: ['test/fuzz/quiet-postgres.global-setup.ts'],
    testTimeout: 6 * 3600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One worker a database (fuzz-sqlite, fuzz-postgres): the two run side by side.
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
  },
});
