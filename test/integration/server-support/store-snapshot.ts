/**
 * Every row of every table, as text: taken before and after a request that must store
 * nothing, on SQLite and PostgreSQL alike (Kysely's introspection lists the tables).
 */
import type { Db } from '../../../src/server/db/schema';

export async function storeSnapshot(db: Db): Promise<string> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).sort();
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = await db
      .selectFrom(table as never)
      .selectAll()
      .execute();
    out[table] = rows.map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
  }
  return JSON.stringify(out);
}
