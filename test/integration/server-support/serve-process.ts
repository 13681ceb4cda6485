/**
 * `session-guard serve` as a real child process (the built dist/server/cli.js, through
 * bin/session-guard.mjs) for fault tests: started on a data dir, killed with any signal
 * (SIGKILL: no shutdown hook runs), and started again on the same port and data dir.
 * The child never fetches the Tor list (SESSION_GUARD_TOR_EXIT_LIST=none).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'session-guard.mjs');

export interface ServeProcess {
  url: string;
  port: number;
  output(): string;
  /** Sends `signal` and resolves when the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts serve again on the same port and data dir (after `kill`). */
  restart(): Promise<void>;
}

function start(args: string[], env: NodeJS.ProcessEnv, log: (text: string) => void) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk;
      log(String(chunk));
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => log(String(chunk)));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}

export async function startServe(
  dataDir: string,
  extraArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<ServeProcess> {
  const env = {
    ...process.env,
    SESSION_GUARD_TOR_EXIT_LIST: 'none',
    SESSION_GUARD_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  let output = '';
  const log = (text: string) => void (output += text);
  const argsFor = (port: number) => [
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    ...extraArgs,
  ];
  let running: ChildProcess | null = null;
  const first = await start(argsFor(0), env, log);
  running = first.child;
  const port = Number(new URL(first.url).port);
  return {
    url: first.url,
    port,
    output: () => output,
    kill: (signal) =>
      new Promise<void>((resolve) => {
        const child = running;
        running = null;
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
    async restart() {
      if (running) throw new Error('serve is still running');
      log(`\n--- restart on port ${port} ---\n`);
      running = (await start(argsFor(port), env, log)).child;
    },
  };
}
