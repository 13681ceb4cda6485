/**
 * A vitest reporter that keeps, in a small JSON file, the test files and tests that have
 * started and not finished, with when they started. It prints nothing. `scripts/test.mjs`
 * reads the file when the run exceeds its time limit, so the failure names what was
 * still running even if vitest itself no longer answers. The file is rewritten on every
 * change (synchronously: it must be current at any instant) and removed at the end of
 * the run. Path: $SESSION_GUARD_RUNNING_TESTS_FILE, default test-results/vitest-running.json.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

export const DEFAULT_RUNNING_TESTS_FILE = 'test-results/vitest-running.json';

export interface RunningTests {
  files: Record<string, number>;
  tests: Record<string, number>;
}

export default class RunningTestsReporter implements Reporter {
  private readonly file = process.env.SESSION_GUARD_RUNNING_TESTS_FILE || DEFAULT_RUNNING_TESTS_FILE;
  private readonly state: RunningTests = { files: {}, tests: {} };

  onTestRunStart(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    this.write();
  }

  onTestModuleStart(module: TestModule): void {
    this.state.files[this.name(module)] = Date.now();
    this.write();
  }

  onTestModuleEnd(module: TestModule): void {
    delete this.state.files[this.name(module)];
    this.write();
  }

  onTestCaseReady(test: TestCase): void {
    this.state.tests[this.testName(test)] = Date.now();
    this.write();
  }

  onTestCaseResult(test: TestCase): void {
    delete this.state.tests[this.testName(test)];
    this.write();
  }

  onTestRunEnd(): void {
    rmSync(this.file, { force: true });
  }

  private name(module: TestModule): string {
    return relative(process.cwd(), module.moduleId);
  }

  private testName(test: TestCase): string {
    return `${this.name(test.module)} > ${test.fullName}`;
  }

  private write(): void {
    writeFileSync(this.file, JSON.stringify(this.state));
  }
}
