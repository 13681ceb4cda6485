/**
 * A real store for a benchmark: a fresh data directory and, on PostgreSQL, an embedded
 * server of its own (the one the tests use). `close` closes the store (once, however often
 * it is called); `dispose` closes it, stops the server and removes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../src/server/db/open-store';
import { startPostgresServer } from '../test/integration/server-support/postgres-server';

export interface BenchStore {
  store: Store;
  dataDir: string;
  /** Set on PostgreSQL: how `serve --database-url` reaches the same database. */
  databaseUrl: string | undefined;
  close(): Promise<void>;
  dispose(): Promise<void>;
}

export async function openBenchStore(dialect: 'sqlite' | 'postgres', name: string): Promise<BenchStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `sg-bench-${name}-`));
  const pg = dialect === 'postgres' ? await startPostgresServer() : null;
  const c = pg?.cluster;
  const databaseUrl = c ? `postgres://${c.user}:${c.password}@${c.host}:${c.port}/postgres` : undefined;
  const store = await openStore({ dataDir, databaseUrl, env: {} });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= store.close());
  return {
    store,
    dataDir,
    databaseUrl,
    close,
    async dispose() {
      await close();
      await pg?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
