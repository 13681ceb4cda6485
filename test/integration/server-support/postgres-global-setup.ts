/**
 * Vitest global setup: one PostgreSQL server for the whole run, instead of one a test
 * file. Runs in vitest's main process before any worker starts; workers find the address
 * with `inject('postgres')` (postgres-cluster.ts). Teardown stops it within a time limit
 * and fails loudly, with the server's log, if it died during the run.
 */
import type { TestProject } from 'vitest/node';
import { startPostgresServer } from './postgres-server';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (process.env.SESSION_GUARD_TEST_POSTGRES === '0') {
    project.provide('postgres', null);
    return;
  }
  const started = Date.now();
  const server = await startPostgresServer();
  console.log(`PostgreSQL for this run on port ${server.cluster.port} (started in ${Date.now() - started} ms)`);
  project.provide('postgres', server.cluster);
  return async () => {
    const died = !server.alive();
    await server.stop();
    if (died) throw new Error(`PostgreSQL exited during the run. Its log:\n${server.log()}`);
  };
}
