/**
 * How the fuzzer knows a refused request stored nothing (issue #17), cheaply enough to ask
 * around each of a million requests:
 * - **The change mark**, one tiny query: on SQLite `total_changes()` of the store's one
 *   connection (every row inserted, updated or deleted through it since it opened); on
 *   PostgreSQL the next transaction id to be handed out (`pg_snapshot_xmax` of the current
 *   snapshot), which moves whenever any transaction writes a row. A mark that has not moved
 *   proves nothing was written: stricter than row counts, since an UPDATE moves it too.
 *   That id is cluster-wide and an automatic ANALYZE takes one too, so the fuzz run's
 *   cluster runs without autovacuum and serves no other database (quiet-postgres.global-setup.ts).
 * - **The fingerprint**, row count and largest id of every table in one query, for the
 *   refusals that record something by design (a wrong dashboard password is audited):
 *   there the other tables must be as they were.
 * Both queries are compiled once, not per request.
 */
import { sql, type CompiledQuery } from 'kysely';
import type { Db } from '../../src/server/db/schema';

export interface Fingerprinter {
  /** Moves whenever anything is written to the store. */
  mark(): Promise<string>;
  /** Row count and largest id of every table, `table:count:maxId|…`. */
  take(): Promise<string>;
}

async function one(db: Db, query: CompiledQuery): Promise<Record<string, unknown>[]> {
  return (await db.executeQuery(query)).rows as Record<string, unknown>[];
}

export async function fingerprinter(db: Db, dialect: 'sqlite' | 'postgres'): Promise<Fingerprinter> {
  const tables = (await db.introspection.getTables())
    .filter((t) => !t.name.startsWith('kysely_'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const parts = tables.map((t) => {
    const id = t.columns.find((c) => c.name === 'id') ? sql`CAST(MAX(${sql.ref('id')}) AS TEXT)` : sql`''`;
    return sql`SELECT ${sql.lit(t.name)} AS t, COUNT(*) AS n, ${id} AS m FROM ${sql.table(t.name)}`;
  });
  const print = sql.join(parts, sql` UNION ALL `).compile(db);
  const markQuery = (
    dialect === 'sqlite'
      ? sql`SELECT total_changes() AS n`
      : sql`SELECT CAST(pg_snapshot_xmax(pg_current_snapshot()) AS TEXT) AS n`
  ).compile(db);
  return {
    async mark() {
      return String((await one(db, markQuery))[0]!.n);
    },
    async take() {
      const rows = await one(db, print);
      return rows.map((r) => `${String(r.t)}:${Number(r.n)}:${(r.m as string | null) ?? ''}`).join('|');
    },
  };
}
