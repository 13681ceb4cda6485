/**
 * The audit-log connector's store: its position and lease (one row), and the inbox of
 * entries fetched from Slack. Positions are only written by the lease holder (every write
 * is fenced on `lease_owner`), and an entry id is stored once, ever, so a window read
 * twice — after a crash, a lost lease or an overlap — adds nothing twice.
 */
import { sql } from 'kysely';
import type { Db } from './schema';
import type { SlackAuditEntriesTable, SlackAuditStateTable } from './slack.table';

export type AuditStateRow = SlackAuditStateTable;
export type AuditEntryRow = SlackAuditEntriesTable;
const ID = 'default';

export async function auditState(db: Db): Promise<AuditStateRow> {
  await db
    .insertInto('slack_audit_state')
    .values({
      id: ID,
      watermark: null,
      window_oldest: null,
      window_latest: null,
      cursor: null,
      lease_owner: null,
      lease_until: 0,
      paused_until: 0,
      last_poll_at: null,
      last_error: null,
      entries_seen: 0,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return db.selectFrom('slack_audit_state').selectAll().where('id', '=', ID).executeTakeFirstOrThrow();
}

/** Takes or renews the lease; false while another replica holds an unexpired one. */
export async function acquireAuditLease(db: Db, owner: string, now: number, ttlMs: number): Promise<boolean> {
  const result = await db
    .updateTable('slack_audit_state')
    .set({ lease_owner: owner, lease_until: now + ttlMs })
    .where('id', '=', ID)
    .where((eb) => eb.or([eb('lease_until', '<=', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function releaseAuditLease(db: Db, owner: string): Promise<void> {
  await db
    .updateTable('slack_audit_state')
    .set({ lease_owner: null, lease_until: 0 })
    .where('id', '=', ID)
    .where('lease_owner', '=', owner)
    .execute();
}

export interface AuditProgress {
  watermark: number | null;
  windowOldest: number | null;
  windowLatest: number | null;
  cursor: string | null;
  lastPollAt: number;
  added: number;
}

/** Moves the position; false (write nothing) when `owner` no longer holds the lease. */
export async function saveAuditProgress(db: Db, owner: string, progress: AuditProgress): Promise<boolean> {
  const result = await db
    .updateTable('slack_audit_state')
    .set({
      watermark: progress.watermark,
      window_oldest: progress.windowOldest,
      window_latest: progress.windowLatest,
      cursor: progress.cursor,
      last_poll_at: progress.lastPollAt,
      last_error: null,
      entries_seen: sql<number>`entries_seen + ${progress.added}`,
    })
    .where('id', '=', ID)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function noteAuditError(db: Db, error: string, now: number, pausedUntil?: number): Promise<void> {
  await db
    .updateTable('slack_audit_state')
    .set({ last_error: error, last_poll_at: now, ...(pausedUntil !== undefined ? { paused_until: pausedUntil } : {}) })
    .where('id', '=', ID)
    .execute();
}

/** Forgets the position (a new org was connected): the next poll starts from the lookback. */
export async function resetAuditPosition(db: Db): Promise<void> {
  await db
    .updateTable('slack_audit_state')
    .set({ watermark: null, window_oldest: null, window_latest: null, cursor: null, last_error: null, paused_until: 0 })
    .where('id', '=', ID)
    .execute();
}

/** Stores the entries not seen before; returns how many were new. */
export async function insertAuditEntries(db: Db, rows: AuditEntryRow[]): Promise<number> {
  let added = 0;
  for (const row of rows) {
    const result = await db
      .insertInto('slack_audit_entries')
      .values(row)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? 1 : 0;
  }
  return added;
}

export async function claimPendingEntries(
  db: Db,
  now: number,
  lockMs: number,
  limit: number,
): Promise<AuditEntryRow[]> {
  const due = await db
    .selectFrom('slack_audit_entries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('locked_until', '<=', now)
    .orderBy('date_create')
    .orderBy('id')
    .limit(limit)
    .execute();
  const claimed: AuditEntryRow[] = [];
  for (const row of due) {
    const result = await db
      .updateTable('slack_audit_entries')
      .set({ locked_until: now + lockMs })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('locked_until', '<=', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) claimed.push(row);
  }
  return claimed;
}

export async function markEntryProcessed(
  db: Db,
  id: string,
  now: number,
  result: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('slack_audit_entries')
    .set({ status: 'done', processed_at: now, locked_until: 0, result: JSON.stringify(result) })
    .where('id', '=', id)
    .execute();
}

export async function countPendingEntries(db: Db): Promise<number> {
  const row = await db
    .selectFrom('slack_audit_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether a finding already came from this audit entry (a reprocessed entry adds none). */
export async function findingFromEntryExists(db: Db, signalId: string, detector: string): Promise<boolean> {
  const row = await db
    .selectFrom('findings')
    .select('id')
    .where('signal_id', '=', signalId)
    .where('detector', '=', detector)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The user's verdicts issued at or after `since`, newest first: what an anomaly is linked to. */
export async function recentVerdictIds(db: Db, subject: string, since: number): Promise<string[]> {
  const rows = await db
    .selectFrom('verdicts')
    .select('id')
    .where('subject', '=', subject)
    .where('issued_at', '>=', since)
    .orderBy('issued_at', 'desc')
    .limit(20)
    .execute();
  return rows.map((r) => r.id);
}
