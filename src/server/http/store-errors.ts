/**
 * When the database, not the request, is the problem (issue #17): PostgreSQL unreachable
 * or restarting, SQLite locked by another writer past the busy timeout, read-only, out of
 * disk or out of its page limit. Such a request answers 503 with a clear code and a
 * Retry-After, never a bare 500: the transaction rolled back, so nothing was stored, and
 * the extension's outbox resends later (5xx means "retry"). The pool and the SQLite
 * connection are used again on the next request, so the backend recovers without a
 * restart when the database does.
 */

export interface StoreFailure {
  /** `store_unavailable` (try again soon) or `store_full` (an operator must make room). */
  code: 'store_unavailable' | 'store_full';
  message: string;
  retryAfterSeconds: number;
}

/** PostgreSQL SQLSTATE classes and codes that mean "the server is not there right now". */
const PG_UNAVAILABLE = /^(08\d{3}|57P0[1-3]|53300)$/;
/** Node socket errors on the way to PostgreSQL. */
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** pg's own words for a connection that went away (it sets no code). */
const PG_LOST =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;
/** better-sqlite3's codes: extended ones start with the primary (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED). */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|READONLY|IOERR|CANTOPEN)/;
const SQLITE_FULL = /^SQLITE_FULL/;

export function storeFailure(error: unknown): StoreFailure | null {
  if (!error || typeof error !== 'object') return null;
  const code = String((error as { code?: unknown }).code ?? '');
  const message = String((error as { message?: unknown }).message ?? '');
  if (SQLITE_FULL.test(code) || /ENOSPC/.test(code) || code === '53100') {
    return {
      code: 'store_full',
      message: 'the database is full (disk or size limit); nothing was stored',
      retryAfterSeconds: 60,
    };
  }
  if (
    SQLITE_UNAVAILABLE.test(code) ||
    PG_UNAVAILABLE.test(code) ||
    NET_UNAVAILABLE.has(code) ||
    PG_LOST.test(message)
  ) {
    return {
      code: 'store_unavailable',
      message: 'the database is unavailable; nothing was stored, retry later',
      retryAfterSeconds: 5,
    };
  }
  return null;
}
