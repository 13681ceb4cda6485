/**
 * `npm test` never hangs: a step over its time limit is ended with everything it started,
 * and the tests still running are named. Played with a step and a vitest suite that block
 * their thread, which no timer inside them can end (test/fixtures/stuck-suite).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLimited } from '../../scripts/run-limited.mjs';
import { describeRunningTests } from '../../scripts/running-tests.mjs';

/** Live (not zombie) processes whose environment contains `marker`. */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const [environ, stat] = await Promise.all([
      readFile(`/proc/${pid}/environ`, 'utf8').catch(() => ''),
      readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''),
    ]);
    const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
    if (environ.includes(marker) && state !== 'Z') found.push(Number(pid));
  }
  return found;
}

describe('npm test time limits', () => {
  let dir: string;
  let log: string[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-limit-'));
    log = [];
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('passes on the exit code of a step that ends in time, quietly', async () => {
    const result = await runLimited('quick', process.execPath, ['-e', 'process.exit(3)'], {
      limitMs: 60_000,
      log: (line) => log.push(line),
    });

    expect(result).toEqual({ code: 3, timedOut: false });
    expect(log.join('\n')).not.toContain('did not finish');
  });

  it('ends a blocked step and what it started at the limit, loudly, and fails it', async () => {
    const marker = `SG_LIMIT_MARK=${dir}`;
    // The step starts a long-lived child, then blocks its own thread for good.
    const script = `
      require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);`;
    let named = false;

    const result = await runLimited('stuck', process.execPath, ['-e', script], {
      limitMs: 5_000,
      env: { SG_LIMIT_MARK: dir },
      onTimeout: () => (named = true),
      log: (line) => log.push(line),
    });

    expect(result).toEqual({ code: 1, timedOut: true });
    expect(named).toBe(true);
    expect(log[0]).toBe('\n✗ stuck did not finish within 5 s; ending it and everything it started.');
    expect(await processesWith(marker)).toEqual([]);
  });

  it('names the vitest test that blocks its worker, and ends vitest and the worker', async () => {
    const runningFile = join(dir, 'running.json');
    let running: ReturnType<typeof describeRunningTests> | undefined;

    const result = await runLimited(
      'vitest',
      'npx',
      [
        'vitest',
        'run',
        '--config',
        'test/fixtures/stuck-suite/vitest.config.ts',
        '--reporter=./test/support/running-tests-reporter.ts',
      ],
      {
        // The stuck test must have started when the limit strikes. Its child vitest competes
        // for two cores with this run's own workers: 30 s was once not enough to reach it.
        limitMs: 60_000,
        env: { SESSION_GUARD_RUNNING_TESTS_FILE: runningFile },
        onTimeout: () => (running = describeRunningTests(runningFile)),
        log: (line) => log.push(line),
      },
    );

    expect(result).toEqual({ code: 1, timedOut: true });
    expect(log[0]).toBe('\n✗ vitest did not finish within 60 s; ending it and everything it started.');
    expect(running?.files).toEqual(['test/fixtures/stuck-suite/stuck.test.ts']);
    expect(running?.tests).toEqual(['test/fixtures/stuck-suite/stuck.test.ts > blocks its worker']);
    expect(running?.text).toContain('test  test/fixtures/stuck-suite/stuck.test.ts > blocks its worker (started ');
    expect(await processesWith(`SESSION_GUARD_RUNNING_TESTS_FILE=${runningFile}`)).toEqual([]);
  }, 150_000);
});
