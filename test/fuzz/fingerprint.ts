/**
 * A cheap fingerprint of the whole store, taken around each fuzzed request: the row count
 * and the largest id of every table (Kysely's introspection lists them), in one query.
 * Equal fingerprints around a refused request mean it inserted and deleted nothing.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/server/db/schema';

export interface Fingerprinter {
  take(): Promise<string>;
}

export async function fingerprinter(db: Db): Promise<Fingerprinter> {
  const tables = (await db.introspection.getTables())
    .filter((t) => !t.name.startsWith('kysely_'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const parts = tables.map((t) => {
    const id = t.columns.find((c) => c.name === 'id') ? sql`CAST(MAX(${sql.ref('id')}) AS TEXT)` : sql`''`;
    return sql`SELECT ${sql.lit(t.name)} AS t, COUNT(*) AS n, ${id} AS m FROM ${sql.table(t.name)}`;
  });
  const query = sql.join(parts, sql` UNION ALL `);
  return {
    async take() {
      const { rows } = await sql<{ t: string; n: number | string; m: string | null }>`${query}`.execute(db);
      return rows.map((r) => `${r.t}:${Number(r.n)}:${r.m ?? ''}`).join('|');
    },
  };
}
