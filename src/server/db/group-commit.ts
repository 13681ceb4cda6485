/**
 * Group commit (issue #16): the ingest transactions that arrive while one is committing
 * are written together in the next transaction, so one commit (SQLite's WAL append and,
 * now and then, its checkpoint; PostgreSQL's round trip and WAL flush) serves several
 * batches. Nothing waits for a timer: a unit that arrives when no transaction is running
 * starts one at the end of this turn of the event loop (setImmediate), so the requests
 * read in the same turn join it (on SQLite, whose calls are synchronous, no request could
 * ever arrive during a transaction otherwise) and a quiet backend writes each batch alone.
 *
 * Each unit's callback runs in the shared transaction one after the other, in arrival
 * order, as it would in its own; a unit is settled only after the commit that holds it,
 * so nothing is acknowledged before it is durable. When any unit throws (a replayed
 * batch's 409, a store error), the whole group is rolled back and every unit of it runs
 * again in its own transaction, where it succeeds or fails alone: one batch's refusal
 * never writes or refuses another's, and the common path pays for no savepoints. So a
 * unit's callback must be safe to run twice (it only assigns what its last run returned).
 */
import type { Db } from './schema';

export interface GroupCommit {
  /** Runs `work` in a transaction, perhaps shared with others; resolves after its commit. */
  run<T>(work: (trx: Db) => Promise<T>): Promise<T>;
}

interface Unit {
  work: (trx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** At most this many units share a transaction (a bound on the time locks are held). */
export const GROUP_COMMIT_MAX = 64;

export function createGroupCommit(db: Db, maxGroup = GROUP_COMMIT_MAX): GroupCommit {
  const queue: Unit[] = [];
  let writing = false;

  const alone = async (unit: Unit) => {
    try {
      unit.resolve(await db.transaction().execute(unit.work));
    } catch (error) {
      unit.reject(error);
    }
  };

  const writeGroup = async (group: Unit[]) => {
    if (group.length === 1) return alone(group[0]!);
    let results: unknown[];
    try {
      results = await db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const unit of group) out.push(await unit.work(trx));
        return out;
      });
    } catch {
      // One unit (or the commit) failed: nothing of the group was written. Each runs alone.
      for (const unit of group) await alone(unit);
      return;
    }
    group.forEach((unit, i) => unit.resolve(results[i]));
  };

  let scheduled = false;
  const drain = async () => {
    scheduled = false;
    if (writing) return;
    writing = true;
    try {
      while (queue.length > 0) await writeGroup(queue.splice(0, maxGroup));
    } finally {
      writing = false;
    }
  };

  return {
    run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        // After this turn of the event loop: the requests read in the same turn join in.
        if (!writing && !scheduled) {
          scheduled = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
