/**
 * The access-log connector's store (issue #12): its position and lease (one row) and the
 * inbox of login aggregates fetched from Slack. As for the audit log, positions are only
 * written by the lease holder (every write fenced on `lease_owner`), and an activity key
 * is stored once, ever, so a page read twice — after a crash, a lost lease, an overlap or
 * a replayed page — adds nothing twice.
 */
import { sql } from 'kysely';
import type { Db } from './schema';
import { countPendingInboxRows, findInboxRow, insertInboxRows, markInboxRowProcessed } from './slack-inbox.repository';
import type { SlackAccessEntriesTable, SlackAccessStateTable } from './slack-access-logs.table';

export type AccessStateRow = SlackAccessStateTable;
export type AccessEntryRow = SlackAccessEntriesTable;
const ID = 'default';

export async function accessState(db: Db): Promise<AccessStateRow> {
  await db
    .insertInto('slack_access_state')
    .values({
      id: ID,
      watermark: null,
      scan_top: null,
      scan_before: null,
      scan_page: null,
      lease_owner: null,
      lease_until: 0,
      paused_until: 0,
      last_poll_at: null,
      last_error: null,
      entries_seen: 0,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return db.selectFrom('slack_access_state').selectAll().where('id', '=', ID).executeTakeFirstOrThrow();
}

/** Takes or renews the lease; false while another replica holds an unexpired one. */
export async function acquireAccessLease(db: Db, owner: string, now: number, ttlMs: number): Promise<boolean> {
  const result = await db
    .updateTable('slack_access_state')
    .set({ lease_owner: owner, lease_until: now + ttlMs })
    .where('id', '=', ID)
    .where((eb) => eb.or([eb('lease_until', '<=', now), eb('lease_owner', '=', owner)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function releaseAccessLease(db: Db, owner: string): Promise<void> {
  await db
    .updateTable('slack_access_state')
    .set({ lease_owner: null, lease_until: 0 })
    .where('id', '=', ID)
    .where('lease_owner', '=', owner)
    .execute();
}

export interface AccessProgress {
  watermark: number | null;
  scan: { top: number; before: number; page: number } | null;
  lastPollAt: number;
  added: number;
}

/** Moves the position; false (write nothing) when `owner` no longer holds the lease. */
export async function saveAccessProgress(db: Db, owner: string, progress: AccessProgress): Promise<boolean> {
  const result = await db
    .updateTable('slack_access_state')
    .set({
      watermark: progress.watermark,
      scan_top: progress.scan?.top ?? null,
      scan_before: progress.scan?.before ?? null,
      scan_page: progress.scan?.page ?? null,
      last_poll_at: progress.lastPollAt,
      last_error: null,
      entries_seen: sql<number>`entries_seen + ${progress.added}`,
    })
    .where('id', '=', ID)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function noteAccessError(db: Db, error: string, now: number, pausedUntil?: number): Promise<void> {
  await db
    .updateTable('slack_access_state')
    .set({ last_error: error, last_poll_at: now, ...(pausedUntil !== undefined ? { paused_until: pausedUntil } : {}) })
    .where('id', '=', ID)
    .execute();
}

/** Forgets the position (a new org was connected): the next poll starts from the lookback. */
export async function resetAccessPosition(db: Db): Promise<void> {
  await db
    .updateTable('slack_access_state')
    .set({ watermark: null, scan_top: null, scan_before: null, scan_page: null, last_error: null, paused_until: 0 })
    .where('id', '=', ID)
    .execute();
}

/** Stores the activity keys not seen before; returns the new ones' ids (slack-inbox.repository.ts). */
export const insertAccessEntries = (db: Db, rows: AccessEntryRow[]) =>
  insertInboxRows(db, 'slack_access_entries', rows);
export const findAccessEntry = (db: Db, id: string) => findInboxRow(db, 'slack_access_entries', id);
export const markAccessEntryProcessed = (db: Db, id: string, now: number, result: Record<string, unknown>) =>
  markInboxRowProcessed(db, 'slack_access_entries', id, now, result);

export const countPendingAccessEntries = (db: Db) => countPendingInboxRows(db, 'slack_access_entries');
