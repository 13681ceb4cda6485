/** Findings: recorded once per burst, listed for the admin API and dashboard. */
import type { FindingsTable } from './findings.table';
import type { Db } from './schema';

export type FindingRow = FindingsTable;

export interface Finding {
  id: string;
  detector: string;
  reason: string;
  severity: string;
  subject: string;
  deviceId: string;
  sessionKey: string | null;
  signalId: string;
  policyVersion: number;
  mode: string;
  action: string;
  outcome: string;
  verdictId: string | null;
  summary: string;
  evidence: unknown;
  eventAt: number;
  detectedAt: number;
}

export function toFinding(row: FindingRow): Finding {
  return {
    id: row.id,
    detector: row.detector,
    reason: row.reason,
    severity: row.severity,
    subject: row.subject,
    deviceId: row.device_id,
    sessionKey: row.session_key,
    signalId: row.signal_id,
    policyVersion: Number(row.policy_version),
    mode: row.mode,
    action: row.action,
    outcome: row.outcome,
    verdictId: row.verdict_id,
    summary: row.summary,
    evidence: safeJson(row.evidence),
    eventAt: Number(row.event_at),
    detectedAt: Number(row.detected_at),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function insertFinding(db: Db, row: FindingRow): Promise<void> {
  await db.insertInto('findings').values(row).execute();
}

/** Inserts a finding whose id is derived from what made it (a batch and a detector); false when it exists. */
export async function insertFindingOnce(db: Db, row: FindingRow): Promise<boolean> {
  const result = await db
    .insertInto('findings')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function setFindingVerdict(db: Db, findingId: string, verdictId: string): Promise<void> {
  await db.updateTable('findings').set({ verdict_id: verdictId }).where('id', '=', findingId).execute();
}

/** Whether the subject already has a finding for this reason detected at or after `since`. */
export async function hasRecentFinding(db: Db, subject: string, reason: string, since: number): Promise<boolean> {
  const row = await db
    .selectFrom('findings')
    .select('id')
    .where('subject', '=', subject)
    .where('reason', '=', reason)
    .where('detected_at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function findFinding(db: Db, id: string): Promise<Finding | undefined> {
  const row = await db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toFinding(row);
}

export async function listFindings(db: Db, limit: number): Promise<Finding[]> {
  const rows = await db.selectFrom('findings').selectAll().orderBy('detected_at', 'desc').limit(limit).execute();
  return rows.map(toFinding);
}
