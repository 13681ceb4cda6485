/**
 * Runs the migrations at start with Kysely's Migrator and a static provider. Replicas
 * starting together are safe: Kysely takes a lock around the run on both dialects.
 */
import { Migrator, type MigrationProvider } from 'kysely';
import { MIGRATIONS } from './migrations/index';
import type { Db } from './schema';

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

function migrator(db: Db): Migrator {
  return new Migrator({ db, provider });
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has run (for /readyz). */
export async function migrationsComplete(db: Db): Promise<boolean> {
  const all = await migrator(db).getMigrations();
  return all.length > 0 && all.every((m) => m.executedAt !== undefined);
}
