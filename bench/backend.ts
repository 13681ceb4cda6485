/**
 * The real backend for the HTTP benchmarks: `dist/server/cli.js serve` (built first) in
 * its own process, on SQLite in a fresh data dir or on a throwaway embedded PostgreSQL
 * started as the integration tests start it (fsync off there, as in the tests). The bench
 * opens the store once before the server starts, only to read the enrollment token.
 * `rss()` reads the server's resident memory from /proc.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBenchStore } from './bench-store';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export type Dialect = 'sqlite' | 'postgres';

export interface Backend {
  url: string;
  dialect: Dialect;
  enrollmentToken: string;
  databaseUrl: string | undefined;
  dataDir: string;
  pid: number;
  rss(): number;
  /** CPU time (user + system) the server process has used so far, in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface BackendOptions {
  /** Extra environment (limits) for the server. */
  env?: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** A shell `ulimit -n` for the child. */
  openFiles?: number;
}

let built = false;
export function buildServer(): void {
  if (built) return;
  execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit' });
  built = true;
}

export async function startBackend(dialect: Dialect, options: BackendOptions = {}): Promise<Backend> {
  buildServer();
  const bench = await openBenchStore(dialect, 'serve');
  const { store, dataDir, databaseUrl } = bench;
  const enrollmentToken = store.secrets.enrollmentToken;
  await bench.close();

  const args = ['bin/session-guard.mjs', 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir];
  const env = {
    ...process.env,
    SESSION_GUARD_TOR_EXIT_LIST: 'none',
    SESSION_GUARD_LOG_LEVEL: 'warn',
    ...(databaseUrl ? { SESSION_GUARD_DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const node = [process.execPath, ...(options.nodeFlags ?? []), ...args].map((a) => `'${a}'`).join(' ');
  const child: ChildProcess = options.openFiles
    ? spawn('sh', ['-c', `ulimit -n ${options.openFiles} && exec ${node}`], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [...(options.nodeFlags ?? []), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
      const match = /Session Guard listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}):\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    dialect,
    enrollmentToken,
    databaseUrl,
    dataDir,
    pid: child.pid!,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    },
    cpuMs: () => {
      // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): utime, stime in clock ticks.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      await bench.dispose();
    },
  };
}
