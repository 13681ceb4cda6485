/**
 * What the prune job may delete (issue #16), one rule a table: the retention kind that
 * sets its horizon, its key column, and the condition a row must meet beyond its age,
 * written as SQL over the candidate row `c`. The conditions are where "never delete what
 * pending work still references" lives: a pending job naming the row, a verdict not yet
 * expired or whose revocation at Slack is pending, a binding whose session still reports,
 * an inbox entry or webhook delivery not processed yet. Rules run in this order, so the
 * acks, revocations and findings of a verdict pruned in the same pass follow it.
 */
import { sql, type RawBuilder } from 'kysely';
import type { RetentionKind } from '../../shared/policy/retention';
import { NONCE_RETENTION_MS } from '../db/nonces-pruning';
import { DONE_JOB_RETENTION_MS } from '../jobs/queue';

/** How long a verified user's AS is remembered after its last use (asn detector, new-asn). */
export const USER_ASN_RETENTION_DAYS = 365;

export interface PruneWindow {
  /** Rows older than this (epoch ms) are past their kind's retention. */
  cutoff: number;
  now: number;
}

export interface PruneRule {
  kind: RetentionKind | 'fixed';
  table: string;
  key: string;
  /** The whole WHERE clause over `c` (the candidate row). */
  where(w: PruneWindow): RawBuilder<unknown>;
}

const noPendingJob = (column: string) =>
  sql`NOT EXISTS (SELECT 1 FROM jobs j WHERE j.key = ${sql.ref(`c.${column}`)} AND j.status = 'pending')`;

export const PRUNE_RULES: readonly PruneRule[] = [
  {
    kind: 'verdicts',
    table: 'verdicts',
    key: 'id',
    where: ({ cutoff, now }) => sql`c.issued_at < ${cutoff} AND c.expires_at < ${now}
      AND NOT EXISTS (SELECT 1 FROM slack_revocations r WHERE r.verdict_id = c.id AND r.status = 'pending')
      AND ${noPendingJob('id')}`,
  },
  {
    kind: 'verdicts',
    table: 'acks',
    key: 'verdict_id',
    where: ({ cutoff }) =>
      sql`c.received_at < ${cutoff} AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.id = c.verdict_id)`,
  },
  {
    kind: 'verdicts',
    table: 'slack_revocations',
    key: 'verdict_id',
    where: ({ cutoff }) => sql`c.created_at < ${cutoff} AND c.status <> 'pending'
      AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.id = c.verdict_id) AND ${noPendingJob('verdict_id')}`,
  },
  {
    kind: 'verdicts',
    table: 'slack_revocation_events',
    key: 'id',
    where: ({ cutoff }) =>
      sql`c.at < ${cutoff} AND NOT EXISTS (SELECT 1 FROM slack_revocations r WHERE r.verdict_id = c.verdict_id)`,
  },
  {
    kind: 'findings',
    table: 'findings',
    key: 'id',
    where: ({ cutoff }) => sql`c.detected_at < ${cutoff}
      AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.finding_id = c.id) AND ${noPendingJob('id')}`,
  },
  {
    kind: 'signals',
    table: 'signals',
    key: 'id',
    // A batch whose detection is still pending (detection-jobs.ts keys it `<device>:<batch>`) keeps its signals.
    where: ({ cutoff }) => sql`c.received_at < ${cutoff} AND ${noPendingJob('id')} AND NOT EXISTS (
      SELECT 1 FROM jobs j WHERE j.kind = 'detection.batch' AND j.key = c.device_id || ':' || c.batch_id
        AND j.status = 'pending')`,
  },
  {
    kind: 'sessionBindings',
    table: 'session_bindings',
    key: 'session_key',
    // A session that reported within the period keeps its binding, however old.
    where: ({ cutoff }) => sql`c.created_at < ${cutoff}
      AND NOT EXISTS (SELECT 1 FROM signals s WHERE s.session_key = c.session_key AND s.received_at >= ${cutoff})`,
  },
  {
    kind: 'slackInbox',
    table: 'slack_audit_entries',
    key: 'id',
    where: ({ cutoff }) => sql`c.received_at < ${cutoff} AND c.status <> 'pending' AND ${noPendingJob('id')}`,
  },
  {
    kind: 'slackInbox',
    table: 'slack_access_entries',
    key: 'id',
    where: ({ cutoff }) => sql`c.received_at < ${cutoff} AND c.status <> 'pending' AND ${noPendingJob('id')}`,
  },
  {
    kind: 'webhookDeliveries',
    table: 'webhook_deliveries',
    key: 'id',
    where: ({ cutoff }) => sql`c.created_at < ${cutoff} AND c.status <> 'pending' AND ${noPendingJob('id')}`,
  },
  { kind: 'auditLog', table: 'audit_log', key: 'id', where: ({ cutoff }) => sql`c.at < ${cutoff}` },
];

/** Kept for a time the protocol fixes, not the policy: pruned by the same job. */
export const FIXED_RULES: readonly (PruneRule & { keptFor: string })[] = [
  {
    kind: 'fixed',
    table: 'nonces',
    key: 'id',
    keptFor: `${NONCE_RETENTION_MS / 60_000} minutes (4 × the clock skew a signed body may have)`,
    where: ({ now }) => sql`c.received_at < ${now - NONCE_RETENTION_MS}`,
  },
  {
    kind: 'fixed',
    table: 'jobs',
    key: 'id',
    keptFor: `${DONE_JOB_RETENTION_MS / 86_400_000} days after a job finished (failed and pending jobs stay)`,
    where: ({ now }) => sql`c.status = 'done' AND c.updated_at < ${now - DONE_JOB_RETENTION_MS}`,
  },
  {
    kind: 'fixed',
    table: 'identity_challenges',
    key: 'nonce_hash',
    keptFor: 'a day after the challenge expired',
    where: ({ now }) => sql`c.expires_at < ${now - 86_400_000}`,
  },
  {
    kind: 'fixed',
    table: 'user_asns',
    key: 'id',
    keptFor: `${USER_ASN_RETENTION_DAYS} days after the user last reported from the AS (an AS unused that long is new again)`,
    where: ({ now }) => sql`c.last_seen < ${now - USER_ASN_RETENTION_DAYS * 86_400_000}`,
  },
  {
    kind: 'fixed',
    table: 'admin_sessions',
    key: 'id_hash',
    keptFor: 'until the dashboard session expires',
    where: ({ now }) => sql`c.expires_at < ${now}`,
  },
];
