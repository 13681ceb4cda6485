/**
 * The fuzz run's PostgreSQL (issue #17): the integration tests' one server for the run
 * (postgres-global-setup.ts), with autovacuum off. The fuzzer's change mark on PostgreSQL is
 * the next transaction id, which is cluster-wide, and an automatic ANALYZE takes one: in
 * this cluster nothing but the fuzzer's own database may write while it runs.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import setupPostgres from '../integration/server-support/postgres-global-setup';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const teardown = await setupPostgres(project);
  const cluster = project.getProvidedContext().postgres;
  if (cluster) {
    const client = new pg.Client({ ...cluster, database: 'postgres' });
    await client.connect();
    await client.query('ALTER SYSTEM SET autovacuum = off');
    await client.query('SELECT pg_reload_conf()');
    // The reload is a signal: wait until a new session sees it.
    for (let i = 0; i < 100; i++) {
      const probe = new pg.Client({ ...cluster, database: 'postgres' });
      await probe.connect();
      const { rows } = await probe.query<{ autovacuum: string }>('SHOW autovacuum');
      await probe.end();
      if (rows[0]?.autovacuum === 'off') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.end();
  }
  return teardown;
}
