import { defineConfig } from 'vitest/config';

// The Firefox end-to-end tests (issue 15): real firefox-esr driven by puppeteer-core over
// WebDriver BiDi, the backend as a real process. One file at a time (each test starts its
// own Firefox); every wait is bounded. `npm test` runs this config when Firefox is present.
export default defineConfig({
  test: {
    include: ['test/e2e-firefox/**/*.test.ts'],
    globalSetup: ['test/build-server.global-setup.ts', 'test/e2e-firefox/build-firefox.global-setup.ts'],
    testTimeout: 150_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
