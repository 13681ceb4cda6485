import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

// Unit and integration tests. WxtVitest gives extension code the `@/` alias and a fake
// `browser` (wxt/testing); backend tests use real SQLite (and PostgreSQL) on disk. One
// PostgreSQL serves the whole run (global setup); every wait is bounded: a stuck test or
// hook fails by its timeout, and `npm test` bounds the whole run (docs/testing.md).
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // The real command (bin/session-guard.mjs) runs the built server: build it first. One
    // PostgreSQL for the run.
    globalSetup: ['test/build-server.global-setup.ts', 'test/integration/server-support/postgres-global-setup.ts'],
    reporters: ['default', './test/support/running-tests-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    pool: 'forks',
  },
});
