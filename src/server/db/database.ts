/**
 * Opens the store: SQLite (better-sqlite3, WAL) under the data dir by default, or
 * PostgreSQL when a `postgres://` URL is given, so several replicas can share one
 * database. Both speak the same dialect-neutral schema (see migrations/).
 */
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { privateDataDir, privateFile } from './private-files';
import { BUSY_SLICE_MS, waitForLockAsynchronously, type LockWaits } from './sqlite-busy';
import { cachingStatements } from './sqlite-statements';
import type { Database, Db } from './schema';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  dataDir: string;
  databaseUrl?: string;
}

export interface OpenDatabase {
  db: Db;
  dialect: DialectName;
  /** Where the data lives, for humans: a file path or the URL without its password. */
  location: string;
  /** SQLite: statements that met another process's write lock (sqlite-busy.ts); zeros on PostgreSQL. */
  lockWaits: Readonly<LockWaits>;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'session-guard.sqlite';

const INT8_OID = 20;
let pgParserSet = false;

export function openDatabase(options: DatabaseOptions): OpenDatabase {
  const url = options.databaseUrl?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('--database-url must be a postgres:// URL');
    return openPostgres(url);
  }
  return openSqlite(options.dataDir);
}

function openSqlite(dataDir: string): OpenDatabase {
  privateDataDir(dataDir);
  const file = join(dataDir, SQLITE_FILE_NAME);
  const sqlite = new SqliteDatabase(file);
  privateFile(file); // before WAL: SQLite gives -wal and -shm the mode of the database file
  sqlite.pragma('journal_mode = WAL');
  // Short: the rest of the wait for a lock is asynchronous (sqlite-busy.ts).
  sqlite.pragma(`busy_timeout = ${BUSY_SLICE_MS}`);
  // FULL: a commit is on disk before the batch it holds is acknowledged (nothing
  // acknowledged is lost, also on power loss). NORMAL would skip that fsync in WAL mode and
  // could lose the last commits to a power cut; ingest's group commit (group-commit.ts)
  // shares one fsync among the batches committed together instead (issue #16).
  sqlite.pragma('synchronous = FULL');
  const lockWaits: LockWaits = { waited: 0, gaveUp: 0 };
  const dialect = new SqliteDialect({
    database: cachingStatements(sqlite),
    onCreateConnection: async (connection) => waitForLockAsynchronously(connection, lockWaits),
  });
  const db = new Kysely<Database>({ dialect });
  return { db, dialect: 'sqlite', location: file, lockWaits, close: () => db.destroy() };
}

function openPostgres(url: string): OpenDatabase {
  if (!pgParserSet) {
    // Epoch-ms and counts are int8; they fit a JS number for the next 285 000 years.
    pg.types.setTypeParser(INT8_OID, (value: string) => Number(value));
    pgParserSet = true;
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle pooled connection that the server closes (a restart, a failover, an admin
  // terminating it) emits 'error' on the pool; unhandled, that would end the process. The
  // pool drops the connection and opens a new one on the next query, so noting it suffices.
  pool.on('error', (error) =>
    console.warn(`postgres: idle connection lost (${error.message}); reconnecting on demand`),
  );
  // A connection lost while checked out (mid-query or mid-transaction) also emits 'error' on
  // its client, where the pool no longer listens: the query itself fails (a 503, issue #17),
  // and this listener keeps that second report from ending the process.
  pool.on('connect', (client) => {
    client.on('error', (error) => console.warn(`postgres: connection lost in use (${error.message})`));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    location: redactUrl(url),
    lockWaits: { waited: 0, gaveUp: 0 },
    close: () => db.destroy(),
  };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
