/**
 * Every row of every table, as text: taken before and after a request that must store
 * nothing, on SQLite and PostgreSQL alike (Kysely's introspection lists the tables).
 * `ignore` names `table.column`s left out, e.g. an admin token's own last-used time.
 */
import type { Db } from '../../../src/server/db/schema';

export async function storeSnapshot(db: Db, ignore: readonly string[] = []): Promise<string> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).sort();
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = await db
      .selectFrom(table as never)
      .selectAll()
      .execute();
    const skipped = new Set(ignore.filter((c) => c.startsWith(`${table}.`)).map((c) => c.slice(table.length + 1)));
    out[table] = rows
      .map((row) =>
        JSON.stringify(Object.fromEntries(Object.entries(row).filter(([column]) => !skipped.has(column))), (_k, v) =>
          typeof v === 'bigint' ? String(v) : v,
        ),
      )
      .sort();
  }
  return JSON.stringify(out);
}
