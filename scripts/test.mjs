#!/usr/bin/env node
// `npm test`: every test, unit to real browser. Builds the extension, makes sure a
// Chromium is there, runs vitest (unit + integration), Playwright (end to end) and, where
// Firefox is (or can be installed), the Firefox end-to-end tests, and closes with one
// summary line: "tests: N passed, N failed, N skipped".
//
// Nothing may hang: each step runs in its own process group under a time limit
// (minutes, overridable: SESSION_GUARD_BUILD_LIMIT_MINUTES, SESSION_GUARD_VITEST_LIMIT_MINUTES,
// SESSION_GUARD_E2E_LIMIT_MINUTES, SESSION_GUARD_FIREFOX_LIMIT_MINUTES). A step over its
// limit is killed with everything it started, the test files and tests it had started and
// not finished are named, and the run fails. See docs/testing.md.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureBrowser } from './ensure-browser.mjs';
import { ensureFirefox } from './ensure-firefox.mjs';
import { runLimited } from './run-limited.mjs';
import { describeRunningTests } from './running-tests.mjs';

const minutes = (name, fallback) => Number(process.env[name] || fallback) * 60_000;
const LIMITS = {
  build: minutes('SESSION_GUARD_BUILD_LIMIT_MINUTES', 5),
  vitest: minutes('SESSION_GUARD_VITEST_LIMIT_MINUTES', 30),
  e2e: minutes('SESSION_GUARD_E2E_LIMIT_MINUTES', 30),
  firefox: minutes('SESSION_GUARD_FIREFOX_LIMIT_MINUTES', 8),
};
const FIREFOX_REPORT = 'test-results/e2e-firefox.json';
const RUNNING_TESTS = 'test-results/vitest-running.json';

mkdirSync('test-results', { recursive: true });
for (const f of ['test-results/vitest.json', 'test-results/e2e-report.json', FIREFOX_REPORT, RUNNING_TESTS])
  rmSync(f, { force: true });

const chromium = await ensureBrowser();
let failedSteps = 0;
let stuckTests = 0;
// The extension (WXT) and the server (dist/server).
const build = await runLimited('build', 'npm', ['run', 'build'], { limitMs: LIMITS.build });
if (build.code !== 0) failedSteps++;

const vitest = await runLimited(
  'vitest',
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--reporter=./test/support/running-tests-reporter.ts',
    '--outputFile.json=test-results/vitest.json',
  ],
  { limitMs: LIMITS.vitest, env: { SESSION_GUARD_RUNNING_TESTS_FILE: RUNNING_TESTS }, onTimeout: reportRunningTests },
);
// Playwright stops itself at its global timeout and names the tests it interrupted; the
// hard limit two minutes later is for a Playwright that does not.
const e2e = await runLimited(
  'playwright',
  'npx',
  ['playwright', 'test', `--global-timeout=${LIMITS.e2e}`, ...process.argv.slice(2)],
  { limitMs: LIMITS.e2e + 120_000, env: { SESSION_GUARD_CHROMIUM: chromium } },
);

// Firefox end to end (test/e2e-firefox): real firefox-esr over WebDriver BiDi, a step of
// its own. Without a Firefox (and no way to install one) it is skipped, and says so.
const firefox = ensureFirefox();
const firefoxE2e = firefox
  ? await runLimited(
      'firefox',
      'npx',
      [
        'vitest',
        'run',
        '-c',
        'test/e2e-firefox/vitest.config.ts',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${FIREFOX_REPORT}`,
      ],
      { limitMs: LIMITS.firefox, env: { SESSION_GUARD_FIREFOX: firefox } },
    )
  : (console.log('\nFirefox end-to-end tests skipped: no Firefox (install firefox-esr).'), { code: 0 });

const totals = { passed: 0, failed: 0, skipped: 0 };
if (existsSync('test-results/vitest.json')) {
  const v = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + (v.numTodoTests ?? 0);
}
if (existsSync('test-results/e2e-report.json')) {
  const p = JSON.parse(readFileSync('test-results/e2e-report.json', 'utf8'));
  totals.passed += p.stats.expected;
  totals.failed += p.stats.unexpected + p.stats.flaky;
  totals.skipped += p.stats.skipped;
}
if (existsSync(FIREFOX_REPORT)) {
  const f = JSON.parse(readFileSync(FIREFOX_REPORT, 'utf8'));
  totals.passed += f.numPassedTests;
  totals.failed += f.numFailedTests;
  totals.skipped += f.numPendingTests + (f.numTodoTests ?? 0);
}
totals.failed += stuckTests;
const ok =
  failedSteps === 0 &&
  vitest.code === 0 &&
  e2e.code === 0 &&
  firefoxE2e.code === 0 &&
  totals.failed === 0 &&
  totals.passed > 0;
if (!ok && totals.failed === 0) totals.failed = 1; // a step that failed before counting still fails the run
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok ? 0 : 1);

/** Names what vitest had started and not finished; each of those tests counts as failed. */
function reportRunningTests() {
  const running = describeRunningTests(RUNNING_TESTS);
  console.error(running.text);
  stuckTests += Math.max(1, running.tests.length);
}
