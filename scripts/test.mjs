#!/usr/bin/env node
// `npm test`: every test, unit to real browser. Builds the extension, makes sure a
// Chromium is there, runs vitest (unit + integration) and Playwright (end to end), and
// closes with one summary line: "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureBrowser } from './ensure-browser.mjs';

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const npx = (...args) => run('npx', args);

mkdirSync('test-results', { recursive: true });
for (const f of ['test-results/vitest.json', 'test-results/e2e-report.json']) rmSync(f, { force: true });

const chromium = await ensureBrowser();
let failedSteps = 0;
if (run('npm', ['run', 'build']) !== 0) failedSteps++; // the extension (WXT) and the server (dist/server)

const vitest = npx(
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/vitest.json',
);
const e2e = run('npx', ['playwright', 'test', ...process.argv.slice(2)], { SESSION_GUARD_CHROMIUM: chromium });

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
const ok = failedSteps === 0 && vitest === 0 && e2e === 0 && totals.failed === 0 && totals.passed > 0;
if (!ok && totals.failed === 0) totals.failed = 1; // a step that failed before counting still fails the run
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok ? 0 : 1);
