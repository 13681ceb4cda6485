/**
 * The backend as a real process, started the way the README starts it
 * (`session-guard serve`), on a free port with its own data folder. It can be stopped and
 * started again on the same port and data folder (an outage the devices live through),
 * or frozen mid-request with SIGSTOP (a request in flight that gets no answer).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'session-guard.mjs');
export const ADMIN_PASSWORD = 'e2e-admin-password-0123456789';

export interface Backend {
  url: string;
  port: number;
  dataDir: string;
  output: () => string;
  exportPolicy(): Promise<Record<string, any>>;
  api<T = any>(path: string, init?: RequestInit): Promise<T>;
  /** The Prometheus text of /metrics (with the admin token). */
  metrics(): Promise<string>;
  stop(): Promise<void>;
  /** Starts the process again on the same port and data folder (after `stop`). */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections are accepted by the kernel, nothing answers. */
  pause(): void;
  resume(): void;
}

export interface BackendOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** More `serve` flags, e.g. `['--tor-exit-list', FILE]`. */
  serveArgs?: string[];
  /** More environment for the process, e.g. `SESSION_GUARD_TOR_REFRESH_SECONDS`. */
  env?: Record<string, string>;
}

interface Running {
  child: ChildProcess;
  url: string;
}

function spawnServer(args: string[], env: NodeJS.ProcessEnv, log: (chunk: string) => void): Promise<Running> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    log(String(chunk));
  });
  child.stderr!.on('data', (chunk) => log(String(chunk)));
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = output.match(/listening on (http:\/\/[\d.]+:\d+)/i);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}:\n${output}`)));
  });
}

export async function startBackend(
  dataDir: string,
  orgPolicy?: object,
  options: BackendOptions = {},
): Promise<Backend> {
  const serveArgs = (port: number) => {
    const args = [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir];
    if (orgPolicy) {
      const file = join(dataDir, '..', 'org-policy.json');
      writeFileSync(file, JSON.stringify(orgPolicy));
      args.push('--policy', file);
    }
    args.push(...(options.serveArgs ?? []));
    return args;
  };
  // SESSION_GUARD_TOR_EXIT_LIST=none: tests never fetch the Tor Project's list (the default).
  const env = {
    ...process.env,
    SESSION_GUARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SESSION_GUARD_TOR_EXIT_LIST: 'none',
    ...options.env,
  };
  let output = '';
  const log = (chunk: string) => (output += chunk);
  let running: Running | null = await spawnServer(serveArgs(options.port ?? 0), env, log);
  const url = running.url;
  const port = Number(new URL(url).port);

  const cli = async (...rest: string[]) =>
    (await run(process.execPath, [CLI, ...rest, '--data-dir', dataDir], { cwd: ROOT, env })).stdout;
  const token = (await cli('token', 'create')).trim().split(/\s+/).pop()!;

  return {
    url,
    port,
    dataDir,
    output: () => output,
    exportPolicy: async () =>
      JSON.parse(await cli('policy', 'export', '--format', 'chrome-linux', '--backend-url', url)),
    async api(path, init) {
      const response = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init?.headers },
      });
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
      return response.json();
    },
    async metrics() {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`/metrics: HTTP ${response.status} ${await response.text()}`);
      return response.text();
    },
    stop: () =>
      new Promise((resolve) => {
        const child = running?.child;
        running = null;
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGCONT'); // a paused process must run to handle SIGTERM
        child.kill('SIGTERM');
      }),
    async start() {
      if (running) throw new Error('backend already running');
      log(`\n--- restarting on port ${port} ---\n`);
      running = await spawnServer(serveArgs(port), env, log);
    },
    pause: () => void running?.child.kill('SIGSTOP'),
    resume: () => void running?.child.kill('SIGCONT'),
  };
}
