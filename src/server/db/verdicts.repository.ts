/** Verdicts as sent (payload text + signature), and the queries poll and stream need. */
import type { Db } from './schema';
import type { VerdictsTable } from './verdicts.table';

export type VerdictRow = VerdictsTable;

export interface StoredSignedVerdict {
  id: string;
  payload: string;
  signature: string;
}

export async function insertVerdict(db: Db, row: VerdictRow): Promise<void> {
  await db.insertInto('verdicts').values(row).execute();
}

export async function findVerdict(db: Db, id: string): Promise<VerdictRow | undefined> {
  return db.selectFrom('verdicts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The device's verdicts that are neither acknowledged nor expired, oldest first. */
export async function pendingVerdicts(db: Db, deviceId: string, now: number): Promise<StoredSignedVerdict[]> {
  return db
    .selectFrom('verdicts')
    .leftJoin('acks', 'acks.verdict_id', 'verdicts.id')
    .select(['verdicts.id', 'verdicts.payload', 'verdicts.signature'])
    .where('verdicts.device_id', '=', deviceId)
    .where('verdicts.expires_at', '>', now)
    .where('acks.verdict_id', 'is', null)
    .orderBy('verdicts.issued_at')
    .execute();
}

export async function hasRecentVerdict(db: Db, subject: string, reason: string, since: number): Promise<boolean> {
  const rows = await db
    .selectFrom('verdicts')
    .select('reasons')
    .where('subject', '=', subject)
    .where('issued_at', '>=', since)
    .execute();
  return rows.some((r) => (JSON.parse(r.reasons) as string[]).includes(reason));
}

export interface VerdictWithAck extends VerdictRow {
  detected_at: number | null;
  ack_outcome: string | null;
  ack_detail: string | null;
  ack_via: string | null;
  ack_cookies_cleared: number | null;
  ack_timings: string | null;
  ack_latency_ms: number | null;
  ack_received_at: number | null;
  ack_slack_signout: string | null;
  ack_slack_signout_detail: string | null;
}

/** Verdicts joined to their ack, finding time and device user: one query shape for every listing. */
export function selectVerdictsWithAcks(db: Db) {
  return db
    .selectFrom('verdicts')
    .leftJoin('acks', 'acks.verdict_id', 'verdicts.id')
    .leftJoin('findings', 'findings.id', 'verdicts.finding_id')
    .leftJoin('devices', 'devices.id', 'verdicts.device_id')
    .selectAll('verdicts')
    .select([
      'findings.detected_at as detected_at',
      'acks.outcome as ack_outcome',
      'acks.detail as ack_detail',
      'acks.via as ack_via',
      'acks.cookies_cleared as ack_cookies_cleared',
      'acks.timings as ack_timings',
      'acks.latency_ms as ack_latency_ms',
      'acks.received_at as ack_received_at',
      'acks.slack_signout as ack_slack_signout',
      'acks.slack_signout_detail as ack_slack_signout_detail',
      'devices.user_id as device_user_id',
    ]);
}

export async function listVerdictsWithAcks(db: Db, limit: number): Promise<VerdictWithAck[]> {
  return selectVerdictsWithAcks(db).orderBy('verdicts.issued_at', 'desc').limit(limit).execute();
}
