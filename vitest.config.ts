import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

// Unit and integration tests. WxtVitest gives extension code the `@/` alias and a fake
// `browser` (wxt/testing); backend tests use real SQLite (and PostgreSQL) on disk.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The real command (bin/session-guard.mjs) runs the built server: build it first.
    globalSetup: ['test/build-server.global-setup.ts'],
  },
});
