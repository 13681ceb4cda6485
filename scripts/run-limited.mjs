// Runs one step of `npm test` as its own process group, with the terminal's output,
// under a time limit. Over the limit it says so loudly, lets `onTimeout` name what was
// running, then ends the whole group (SIGTERM, SIGKILL 10 s later): vitest's workers and
// the PostgreSQL they use go with it, so nothing is left to hold the run open.
// Ctrl-C or a SIGTERM to `npm test` is passed on to the group.
import { spawn } from 'node:child_process';

const GRACE_MS = 10_000;

const duration = (ms) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/**
 * @param {string} name what the step is called in messages
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ limitMs: number, env?: Record<string, string>, onTimeout?: () => void, log?: (line: string) => void }} options
 * @returns {Promise<{ code: number, timedOut: boolean }>}
 */
export function runLimited(name, cmd, args, { limitMs, env = {}, onTimeout, log = console.error }) {
  const started = Date.now();
  const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env }, detached: true });
  const forward = (signal) => killGroup(child.pid, signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  let timedOut = false;
  let killer;
  const timer = setTimeout(() => {
    timedOut = true;
    log(`\n✗ ${name} did not finish within ${duration(limitMs)}; ending it and everything it started.`);
    onTimeout?.();
    killGroup(child.pid, 'SIGTERM');
    killer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), GRACE_MS);
  }, limitMs);
  return new Promise((resolve) => {
    child.once('error', (error) => {
      log(`${name} could not start: ${error.message}`);
      finish(1);
    });
    child.once('exit', (code, signal) => finish(timedOut ? 1 : (code ?? (signal ? 1 : 0))));
    function finish(code) {
      clearTimeout(timer);
      clearTimeout(killer);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      // Whatever the step left running (a worker, a server, a build service still exiting)
      // would hold CI open: end it.
      killGroup(child.pid, 'SIGKILL');
      log(`${name}: ${duration(Date.now() - started)}`);
      resolve({ code, timedOut });
    }
  });
}
