/**
 * The audit-log connector's store: its status (one row: last poll, last error, the 429
 * pause, entries seen), its position, and the inbox of entries fetched from Slack. The
 * position (watermark, window, cursor) is the payload of the one `slack.audit.poll` job
 * (src/server/jobs/), written only by the holder of that job's lease; an entry id is
 * stored once, ever, so a window read twice — after a crash, a lost lease or an overlap
 * — adds nothing twice.
 */
import { sql } from 'kysely';
import { findJob } from './jobs.repository';
import type { Db } from './schema';
import { countPendingInboxRows, findInboxRow, insertInboxRows, markInboxRowProcessed } from './slack-inbox.repository';
import type { SlackAuditEntriesTable, SlackAuditStateTable } from './slack.table';

export type AuditStateRow = SlackAuditStateTable;
export type AuditEntryRow = SlackAuditEntriesTable;
const ID = 'default';

/** The recurring job that reads Slack's audit log, and the key of its one row. */
export const AUDIT_POLL_JOB = 'slack.audit.poll';
export const AUDIT_POLL_KEY = 'default';
/** One job per stored entry: turn it into findings (slack/audit-process.ts). */
export const AUDIT_ENTRY_JOB = 'slack.audit.entry';

/** Where the poll is: everything before `watermark` (Unix s) read; the window being paged and Slack's cursor in it. */
export interface AuditPosition {
  watermark: number | null;
  windowOldest: number | null;
  windowLatest: number | null;
  cursor: string | null;
}

export const START_POSITION: AuditPosition = { watermark: null, windowOldest: null, windowLatest: null, cursor: null };

/** A position read back from a job payload; anything malformed reads as "start over". */
export function toAuditPosition(payload: unknown): AuditPosition {
  const p = (payload ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const position = {
    watermark: num(p.watermark),
    windowOldest: num(p.windowOldest),
    windowLatest: num(p.windowLatest),
    cursor: typeof p.cursor === 'string' ? p.cursor : null,
  };
  return position.windowLatest === null || position.windowOldest === null
    ? { ...position, windowOldest: null, windowLatest: null, cursor: null }
    : position;
}

/** The poll job's position and lease, for the status view. */
export async function auditPosition(
  db: Db,
): Promise<{ position: AuditPosition; lockedBy: string | null; lockedUntil: number }> {
  const job = await findJob(db, AUDIT_POLL_JOB, AUDIT_POLL_KEY);
  if (!job) return { position: START_POSITION, lockedBy: null, lockedUntil: 0 };
  return {
    position: toAuditPosition(JSON.parse(job.payload)),
    lockedBy: job.locked_by,
    lockedUntil: Number(job.locked_until),
  };
}

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

/** Records a poll's page: when, and how many entries were new. */
export async function noteAuditPoll(db: Db, lastPollAt: number, added: number): Promise<void> {
  await auditState(db);
  await db
    .updateTable('slack_audit_state')
    .set({ last_poll_at: lastPollAt, last_error: null, entries_seen: sql<number>`entries_seen + ${added}` })
    .where('id', '=', ID)
    .execute();
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
  await db.updateTable('slack_audit_state').set({ last_error: null, paused_until: 0 }).where('id', '=', ID).execute();
  await db
    .updateTable('jobs')
    .set({ payload: JSON.stringify(START_POSITION) })
    .where('kind', '=', AUDIT_POLL_JOB)
    .where('key', '=', AUDIT_POLL_KEY)
    .execute();
}

/** Stores the entries not seen before; returns the ids that were new (slack-inbox.repository.ts). */
export const insertAuditEntries = (db: Db, rows: AuditEntryRow[]) => insertInboxRows(db, 'slack_audit_entries', rows);
export const findAuditEntry = (db: Db, id: string) => findInboxRow(db, 'slack_audit_entries', id);
export const markEntryProcessed = (db: Db, id: string, now: number, result: Record<string, unknown>) =>
  markInboxRowProcessed(db, 'slack_audit_entries', id, now, result);
export const countPendingEntries = (db: Db) => countPendingInboxRows(db, 'slack_audit_entries');

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
