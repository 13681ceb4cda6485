/**
 * Waiting for SQLite's write lock without stopping the process (issue #17). better-sqlite3
 * is synchronous, so with SQLite's own `busy_timeout` of 5 s a write that meets another
 * process's lock (a `session-guard` CLI command, a backup, a second server pointed at the
 * same file by mistake) slept inside SQLite for up to 5 s with the event loop stopped:
 * no request parsed, no WebSocket ping answered, no verdict pushed. Here SQLite waits at
 * most BUSY_SLICE_MS per attempt and the rest of the wait is an asynchronous back-off
 * between attempts, so other requests run meanwhile (Kysely's SQLite driver has one
 * connection behind a mutex: they queue for it, they do not spin). After BUSY_TOTAL_MS it
 * gives up with SQLite's own error, which the routes answer 503 `store_unavailable`.
 *
 * Retrying one statement is what SQLite's busy handler does too: a statement refused with
 * SQLITE_BUSY changed nothing and its transaction stays open. SQLITE_BUSY_SNAPSHOT (a read
 * snapshot overtaken by another writer) cannot succeed by waiting, and is thrown at once,
 * as SQLite's busy handler would not have waited for it either.
 */
import type { DatabaseConnection, QueryResult } from 'kysely';

/** SQLite's own busy wait per attempt: the longest the event loop is held. */
export const BUSY_SLICE_MS = 10;
/** The whole wait for the lock, as `busy_timeout` was before. */
export const BUSY_TOTAL_MS = 5_000;

/** Counts of waits, for tests and for operators reading `/metrics`. */
export interface LockWaits {
  /** Statements that found the database locked and waited for it. */
  waited: number;
  /** Statements that gave up after BUSY_TOTAL_MS. */
  gaveUp: number;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_RECOVERY' || code === 'SQLITE_BUSY_TIMEOUT';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Makes a Kysely SQLite connection wait for a locked database asynchronously. */
export function waitForLockAsynchronously(
  connection: DatabaseConnection,
  waits: LockWaits,
  totalMs = BUSY_TOTAL_MS,
): void {
  const execute = connection.executeQuery.bind(connection);
  connection.executeQuery = async <R>(query: Parameters<typeof execute>[0]): Promise<QueryResult<R>> => {
    const started = Date.now();
    let delay = 2;
    let counted = false;
    for (;;) {
      try {
        return await execute<R>(query);
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (!counted) {
          waits.waited += 1;
          counted = true;
        }
        if (Date.now() - started >= totalMs) {
          waits.gaveUp += 1;
          throw error;
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 50);
      }
    }
  };
}
