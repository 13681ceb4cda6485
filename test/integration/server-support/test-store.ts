/**
 * Real stores for tests: a SQLite file in a temp dir, or a fresh database in the
 * embedded PostgreSQL cluster the global setup started. No in-memory stand-ins.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../../src/server/db/open-store';
import { postgresCluster } from './postgres-cluster';

export { stopPostgres } from './postgres-cluster';

export type TestDialect = 'sqlite' | 'postgres';

const skipPostgres = process.env.SESSION_GUARD_TEST_POSTGRES === '0';
export const DIALECTS: TestDialect[] = skipPostgres ? ['sqlite'] : ['sqlite', 'postgres'];

export interface TestStore {
  store: Store;
  dialect: TestDialect;
  dataDir: string;
  databaseUrl?: string;
  cleanup(): Promise<void>;
}

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const cluster = await postgresCluster();
  const name = `sg_${randomBytes(6).toString('hex')}`;
  const admin = {
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    database: 'postgres',
  };
  const client = new pg.Client(admin);
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = `postgres://${cluster.user}:${cluster.password}@${cluster.host}:${cluster.port}/${name}`;
  return {
    url,
    async drop() {
      const c = new pg.Client(admin);
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestStore(dialect: TestDialect = 'sqlite'): Promise<TestStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sg-test-'));
  if (dialect === 'sqlite') {
    const store = await openStore({ dataDir });
    return {
      store,
      dialect,
      dataDir,
      async cleanup() {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database = await createPostgresDatabase().catch(async (error) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const store = await openStore({ dataDir, databaseUrl: database.url });
  return {
    store,
    dialect,
    dataDir,
    databaseUrl: database.url,
    async cleanup() {
      await store.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const TABLES = ['devices', 'nonces', 'signals', 'findings', 'verdicts', 'acks', 'policies'] as const;

/** Row counts of every table plus the devices' mutable columns: equal snapshots mean nothing was stored. */
export async function snapshot(store: Store): Promise<Record<string, unknown>> {
  const counts: Record<string, unknown> = {};
  for (const table of TABLES) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  counts.deviceState = await store.db
    .selectFrom('devices')
    .select(['id', 'last_seen_at', 'last_ip'])
    .orderBy('id')
    .execute();
  return counts;
}
