/**
 * The job queue's statements (src/server/jobs/). Claiming is ONE statement on both
 * dialects: `UPDATE jobs … WHERE id IN (SELECT … LIMIT n) RETURNING *`, the inner select
 * taking `FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent replicas claim disjoint rows
 * (SQLite's single writer serializes the statement). A claim writes a lease
 * (`locked_until`) and a random token (`locked_by`); settling is fenced on the token, so a
 * runner whose lease expired and was taken over cannot overwrite the new holder's result.
 */
import { randomUUID } from 'node:crypto';
import { PostgresAdapter, sql } from 'kysely';
import type { JobsTable } from './jobs.table';
import type { Db } from './schema';

export type JobRow = JobsTable;

export interface NewJob {
  kind: string;
  key: string;
  payload: unknown;
  runAt?: number;
}

/** True when this (kind, key) was new and is now queued. */
export async function insertJob(db: Db, job: NewJob, now: number): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values({
      id: randomUUID(),
      kind: job.kind,
      key: job.key,
      payload: JSON.stringify(job.payload ?? null),
      status: 'pending',
      attempts: 0,
      run_at: job.runAt ?? now,
      locked_until: 0,
      locked_by: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface ClaimRequest {
  kinds: readonly string[];
  now: number;
  leaseMs: number;
  limit: number;
}

/** Claims up to `limit` due jobs of `kinds`; each returned row carries its new lease and attempt count. */
export async function claimJobs(db: Db, request: ClaimRequest): Promise<JobRow[]> {
  const { kinds, now, leaseMs, limit } = request;
  if (kinds.length === 0 || limit <= 0) return [];
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const token = randomUUID();
  const rows = await db
    .updateTable('jobs')
    .set({ locked_until: now + leaseMs, locked_by: token, attempts: sql<number>`attempts + 1`, updated_at: now })
    .where('id', 'in', (eb) => {
      const due = eb
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'pending')
        .where('kind', 'in', kinds)
        .where('run_at', '<=', now)
        .where('locked_until', '<=', now)
        .orderBy('run_at')
        .orderBy('id')
        .limit(limit);
      return postgres ? due.forUpdate().skipLocked() : due;
    })
    // Re-checked on the row itself: a row another claimer took between the select and the update is left alone.
    .where('status', '=', 'pending')
    .where('locked_until', '<=', now)
    .returningAll()
    .execute();
  return rows.sort((a, b) => Number(a.run_at) - Number(b.run_at) || a.id.localeCompare(b.id));
}

export interface JobSettlement {
  status: 'pending' | 'done' | 'failed';
  runAt: number;
  error: string | null;
  now: number;
  /** Set for a rescheduled job (a recurring one starts its count again). */
  attempts?: number;
  payload?: unknown;
}

/** Records a claimed job's result and frees it; false when `token` no longer holds it. */
export async function settleJob(db: Db, id: string, token: string, s: JobSettlement): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      status: s.status,
      run_at: s.runAt,
      last_error: s.error,
      locked_until: 0,
      locked_by: null,
      updated_at: s.now,
      ...(s.attempts !== undefined ? { attempts: s.attempts } : {}),
      ...(s.payload !== undefined ? { payload: JSON.stringify(s.payload) } : {}),
    })
    .where('id', '=', id)
    .where('locked_by', '=', token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Saves a running job's progress (e.g. a cursor); false when `token` no longer holds it. */
export async function saveJobPayload(db: Db, id: string, token: string, payload: unknown, now: number) {
  const result = await db
    .updateTable('jobs')
    .set({ payload: JSON.stringify(payload), updated_at: now })
    .where('id', '=', id)
    .where('locked_by', '=', token)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Runs a pending job now rather than at its scheduled time (an operator's "poll now"). */
export async function makeJobDue(db: Db, kind: string, key: string, now: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ run_at: now })
    .where('kind', '=', kind)
    .where('key', '=', key)
    .where('status', '=', 'pending')
    .where('run_at', '>', now)
    .execute();
}

export async function findJob(db: Db, kind: string, key: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('kind', '=', kind).where('key', '=', key).executeTakeFirst();
}

/** Jobs by status (e.g. the failed ones), most recently updated first. */
export async function listJobs(db: Db, filter: { status?: string; kind?: string; limit: number }): Promise<JobRow[]> {
  let q = db.selectFrom('jobs').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  return q.orderBy('updated_at', 'desc').orderBy('id').limit(filter.limit).execute();
}

/**
 * Queues a job already claimed by the caller (attempt 1, leased to `token` until
 * `now + leaseMs`): work the caller runs inline right after its transaction commits, and
 * that any runner takes over if the caller dies first (the lease expires). True when new.
 */
export async function insertClaimedJob(
  db: Db,
  job: NewJob & { id: string; token: string; leaseMs: number },
  now: number,
): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values({
      id: job.id,
      kind: job.kind,
      key: job.key,
      payload: JSON.stringify(job.payload ?? null),
      status: 'pending',
      attempts: 1,
      run_at: job.runAt ?? now,
      locked_until: now + job.leaseMs,
      locked_by: job.token,
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** How many jobs of `kind` are in each status (the dashboard and /metrics). */
export async function countJobsByStatus(db: Db, kind: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('kind', '=', kind)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Deletes a job its holder finished (work too frequent to keep a week of `done` rows); false when `token` lost it. */
export async function deleteClaimedJob(db: Db, id: string, token: string): Promise<boolean> {
  const result = await db.deleteFrom('jobs').where('id', '=', id).where('locked_by', '=', token).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
