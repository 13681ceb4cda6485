// Reads the file the running-tests reporter (test/support/running-tests-reporter.ts)
// keeps, and says which test files and tests had started and not finished.
import { existsSync, readFileSync } from 'node:fs';

/** @returns {{ text: string, files: string[], tests: string[] }} */
export function describeRunningTests(file, now = Date.now()) {
  if (!existsSync(file)) {
    return { text: `(no ${file}: vitest was stuck before its first test file started)`, files: [], tests: [] };
  }
  const { files, tests } = JSON.parse(readFileSync(file, 'utf8'));
  const ago = (at) => `started ${Math.round((now - at) / 1000)} s ago`;
  const lines = [
    ...Object.entries(files).map(([name, at]) => `  file  ${name} (${ago(at)})`),
    ...Object.entries(tests).map(([name, at]) => `  test  ${name} (${ago(at)})`),
  ];
  const text = lines.length
    ? `Still running:\n${lines.join('\n')}`
    : 'No test file was running (stuck between files, or in setup or teardown).';
  return { text, files: Object.keys(files), tests: Object.keys(tests) };
}
