/**
 * `npm test` never hangs: a step over its time limit is ended with everything it started,
 * and the tests still running are named. Played with a suite whose test blocks its worker's
 * thread, which vitest's own timeouts cannot end (test/fixtures/stuck-suite).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLimited } from '../../scripts/run-limited.mjs';
import { describeRunningTests } from '../../scripts/running-tests.mjs';

/** A process that has exited but is not yet reaped (a zombie) counts as gone. */
const alive = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
};

describe('npm test time limits', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-limit-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('passes on the exit code of a step that ends in time', async () => {
    expect(await runLimited('quick', process.execPath, ['-e', 'process.exit(3)'], { limitMs: 60_000 })).toEqual({
      code: 3,
      timedOut: false,
    });
  });

  it('ends a blocked step and what it started at the limit, and fails it', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    // The step starts a long-lived child, then blocks its own thread for good.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);`;
    let named = false;

    const result = await runLimited('stuck', process.execPath, ['-e', script], {
      limitMs: 5_000,
      onTimeout: () => (named = true),
    });

    expect(result).toEqual({ code: 1, timedOut: true });
    expect(named).toBe(true);
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(await alive(grandchild)).toBe(false);
  });

  it('names the vitest test that blocks its worker, and ends the worker', async () => {
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
        limitMs: 30_000,
        env: { SESSION_GUARD_RUNNING_TESTS_FILE: runningFile },
        onTimeout: () => (running = describeRunningTests(runningFile)),
      },
    );

    expect(result).toEqual({ code: 1, timedOut: true });
    expect(running?.files).toEqual(['test/fixtures/stuck-suite/stuck.test.ts']);
    expect(running?.tests).toEqual(['test/fixtures/stuck-suite/stuck.test.ts > blocks its worker']);
    expect(running?.text).toContain('test  test/fixtures/stuck-suite/stuck.test.ts > blocks its worker (started ');
    const workers = await new Promise<string>((resolve) => {
      let out = '';
      spawn('ps', ['-eo', 'args'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .on('close', () => resolve(out))
        .stdout.on('data', (d) => (out += d));
    });
    expect(workers).not.toContain('stuck-suite');
  }, 90_000);
});
