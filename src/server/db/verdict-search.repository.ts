/**
 * Searching verdicts and findings for the admin API, the dashboard and exports: by
 * reason, Slack user, device (id or prefix) and time. Filters arrive already validated
 * (src/shared/protocol/admin.ts), so no LIKE wildcard or quote can come from a user.
 */
import type { ReasonCode } from '../../shared/protocol/reason-codes';
import type { FindingRow } from './findings.repository';
import type { Db } from './schema';
import { selectVerdictsWithAcks, type VerdictWithAck } from './verdicts.repository';

export interface SearchFilter {
  reason?: ReasonCode;
  user?: string;
  device?: string;
  from?: number;
  to?: number;
  mode?: string;
  outcome?: string;
  limit: number;
}

export interface VerdictSearchRow extends VerdictWithAck {
  device_user_id: string | null;
}

export async function searchVerdicts(db: Db, filter: SearchFilter): Promise<VerdictSearchRow[]> {
  let q = selectVerdictsWithAcks(db);
  if (filter.reason) q = q.where('verdicts.reasons', 'like', `%"${filter.reason}"%`);
  if (filter.user) {
    const user = filter.user;
    q = q.where((eb) =>
      eb.or([eb('devices.user_id', '=', user), eb('verdicts.payload', 'like', `%"userId":"${user}"%`)]),
    );
  }
  if (filter.device)
    q = q.where((eb) =>
      eb(eb.fn('substr', ['verdicts.device_id', eb.lit(1), eb.lit(filter.device!.length)]), '=', filter.device!),
    );
  if (filter.from !== undefined) q = q.where('verdicts.issued_at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('verdicts.issued_at', '<=', filter.to);
  return q.orderBy('verdicts.issued_at', 'desc').orderBy('verdicts.id').limit(filter.limit).execute() as Promise<
    VerdictSearchRow[]
  >;
}

export async function findVerdictWithAck(db: Db, id: string): Promise<VerdictSearchRow | undefined> {
  const rows = await selectVerdictsWithAcks(db).where('verdicts.id', '=', id).execute();
  return rows[0] as VerdictSearchRow | undefined;
}

export async function searchFindings(db: Db, filter: SearchFilter): Promise<FindingRow[]> {
  let q = db.selectFrom('findings').leftJoin('devices', 'devices.id', 'findings.device_id').selectAll('findings');
  if (filter.reason) q = q.where('findings.reason', '=', filter.reason);
  if (filter.user) q = q.where('devices.user_id', '=', filter.user);
  if (filter.device)
    q = q.where((eb) =>
      eb(eb.fn('substr', ['findings.device_id', eb.lit(1), eb.lit(filter.device!.length)]), '=', filter.device!),
    );
  if (filter.from !== undefined) q = q.where('findings.detected_at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('findings.detected_at', '<=', filter.to);
  if (filter.mode) q = q.where('findings.mode', '=', filter.mode);
  if (filter.outcome) q = q.where('findings.outcome', '=', filter.outcome);
  return q.orderBy('findings.detected_at', 'desc').orderBy('findings.id').limit(filter.limit).execute();
}

/** Acks received at or after `since` (for the live feed: a verdict's row gains its ack). */
export async function acksSince(
  db: Db,
  since: number,
  limit: number,
): Promise<{ verdict_id: string; received_at: number }[]> {
  return db
    .selectFrom('acks')
    .select(['verdict_id', 'received_at'])
    .where('received_at', '>=', since)
    .orderBy('received_at')
    .limit(limit)
    .execute();
}
