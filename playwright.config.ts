import { defineConfig } from '@playwright/test';

// Each test starts its own backend process and Chromium; two cores, so one at a time.
export default defineConfig({
  testDir: './test/e2e',
  // The backend runs as production runs it, from dist/server: built from these sources first.
  globalSetup: './test/build-server.global-setup.ts',
  outputDir: './test-results/e2e',
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
});
