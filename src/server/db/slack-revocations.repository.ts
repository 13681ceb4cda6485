/**
 * Server-side revocations, one record per verdict (the primary key makes recording
 * idempotent across replicas) with what the admin sees (status, attempts, last error),
 * and each one's timeline. Running them is a `slack.revocation` job on the queue
 * (src/server/jobs/, slack/revocation-worker.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './schema';
import type { SlackRevocationEventsTable, SlackRevocationsTable } from './slack.table';
import type { VerdictRow } from './verdicts.repository';

export type RevocationRow = SlackRevocationsTable;
export type RevocationEventRow = SlackRevocationEventsTable;

/** Verdicts issued at or after `since` that have no job yet, oldest first. */
export async function verdictsWithoutJob(db: Db, since: number, limit: number): Promise<VerdictRow[]> {
  return db
    .selectFrom('verdicts')
    .leftJoin('slack_revocations', 'slack_revocations.verdict_id', 'verdicts.id')
    .selectAll('verdicts')
    .where('verdicts.issued_at', '>=', since)
    .where('slack_revocations.verdict_id', 'is', null)
    .orderBy('verdicts.issued_at')
    .limit(limit)
    .execute();
}

/** True when this call created the job (another replica may have been first). */
export async function insertRevocation(db: Db, row: RevocationRow): Promise<boolean> {
  const result = await db
    .insertInto('slack_revocations')
    .values(row)
    .onConflict((oc) => oc.column('verdict_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface RevocationUpdate {
  status: string;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  userId?: string | null;
  now: number;
}

export async function updateRevocation(db: Db, verdictId: string, update: RevocationUpdate): Promise<void> {
  await db
    .updateTable('slack_revocations')
    .set({
      status: update.status,
      attempts: update.attempts,
      next_attempt_at: update.nextAttemptAt,
      locked_until: 0,
      last_error: update.lastError,
      updated_at: update.now,
      ...(update.userId !== undefined ? { user_id: update.userId } : {}),
    })
    .where('verdict_id', '=', verdictId)
    .execute();
}

export async function findRevocation(db: Db, verdictId: string): Promise<RevocationRow | undefined> {
  return db.selectFrom('slack_revocations').selectAll().where('verdict_id', '=', verdictId).executeTakeFirst();
}

export async function listRevocations(db: Db, limit: number, status?: string): Promise<RevocationRow[]> {
  let q = db.selectFrom('slack_revocations').selectAll().where('status', '!=', 'not_requested');
  if (status) q = q.where('status', '=', status);
  return q.orderBy('updated_at', 'desc').limit(limit).execute();
}

export async function countRevocations(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('slack_revocations')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

let sequence = 0;

export async function appendRevocationEvent(
  db: Db,
  verdictId: string,
  at: number,
  kind: string,
  detail: Record<string, unknown>,
): Promise<void> {
  sequence = (sequence + 1) % 1_000_000;
  const id = `${String(at).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
  await db
    .insertInto('slack_revocation_events')
    .values({ id, verdict_id: verdictId, at, kind, detail: JSON.stringify(detail) })
    .execute();
}

export async function revocationEvents(db: Db, verdictId: string): Promise<RevocationEventRow[]> {
  return db
    .selectFrom('slack_revocation_events')
    .selectAll()
    .where('verdict_id', '=', verdictId)
    .orderBy('id')
    .execute();
}

/** The stored policy document of a version (JSON text), to read what it asked for. */
export async function policyDocument(db: Db, version: number): Promise<string | undefined> {
  const row = await db.selectFrom('policies').select('document').where('version', '=', version).executeTakeFirst();
  return row?.document;
}
