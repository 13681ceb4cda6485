/**
 * Prepared statements kept across queries on SQLite (issue #16). Kysely's SQLite driver
 * calls `prepare(sql)` for every query, and compiling the SQL was about 8 % of the
 * backend's time under ingest; the same handful of statements run for every batch. A
 * statement is reused only for the same SQL text (Kysely binds values as parameters), is
 * run to completion before the next query starts (better-sqlite3 is synchronous; a
 * statement still being iterated by a streamed query is never handed out again), and SQLite re-prepares it by
 * itself after a schema change. The cache is bounded: queries whose text varies (IN lists
 * of different lengths) evict the oldest.
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

export const STATEMENT_CACHE_SIZE = 500;

export function cachingStatements(sqlite: SqliteDatabase, size = STATEMENT_CACHE_SIZE): KyselySqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql); // most recently used last
        cache.set(sql, hit);
        return hit;
      }
      const statement = sqlite.prepare(sql);
      if (!hit) {
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
