/**
 * The run's PostgreSQL, as test files see it: one server for the whole `vitest run`,
 * started once by the global setup (`postgres-global-setup.ts`) and handed to every
 * worker with `provide`/`inject`. Test files create one database each in it and never
 * start or stop a server themselves. SESSION_GUARD_TEST_POSTGRES=0 skips the PostgreSQL
 * half of the dialect tests (and the global setup starts nothing).
 */
import { inject } from 'vitest';
import type { PostgresCluster } from './postgres-server';

export type { PostgresCluster } from './postgres-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's PostgreSQL listens; null when SESSION_GUARD_TEST_POSTGRES=0. */
    postgres: PostgresCluster | null;
  }
}

export async function postgresCluster(): Promise<PostgresCluster> {
  const cluster = inject('postgres');
  if (!cluster) {
    throw new Error(
      'no PostgreSQL for this run: the global setup starts one unless SESSION_GUARD_TEST_POSTGRES=0 (see vitest.config.ts)',
    );
  }
  return cluster;
}

/**
 * Nothing to do: the global setup stops the run's server. Kept so that test files'
 * `afterAll(stopPostgres)` from before the shared server still compile.
 */
export async function stopPostgres(): Promise<void> {}
