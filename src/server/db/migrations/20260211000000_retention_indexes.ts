/**
 * Issue #16: the prune job (src/server/retention/) deletes by age in chunks, so each table
 * it prunes needs an index on the age column it selects by, and the checks that keep
 * referenced rows (a session that still reports, a verdict's finding) need theirs.
 * Tables that already had one (findings.detected_at, verdicts.issued_at, audit_log.at,
 * nonces) get none. Frozen; dialect-neutral; never imports app code.
 */
import type { Kysely } from 'kysely';

const INDEXES: [name: string, table: string, columns: string[]][] = [
  ['signals_received_at', 'signals', ['received_at']],
  ['signals_session_received', 'signals', ['session_key', 'received_at']],
  ['session_bindings_created_at', 'session_bindings', ['created_at']],
  ['verdicts_finding', 'verdicts', ['finding_id']],
  ['acks_received_at', 'acks', ['received_at']],
  ['slack_revocations_created_at', 'slack_revocations', ['created_at']],
  ['slack_revocation_events_at', 'slack_revocation_events', ['at']],
  ['slack_audit_entries_received_at', 'slack_audit_entries', ['received_at']],
  ['slack_access_entries_received_at', 'slack_access_entries', ['received_at']],
  ['webhook_deliveries_created_at', 'webhook_deliveries', ['created_at']],
  ['identity_challenges_expires_at', 'identity_challenges', ['expires_at']],
  ['admin_sessions_expires_at', 'admin_sessions', ['expires_at']],
  ['jobs_key', 'jobs', ['key']],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, columns] of INDEXES)
    await db.schema.createIndex(name).ifNotExists().on(table).columns(columns).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...INDEXES].reverse()) await db.schema.dropIndex(name).ifExists().execute();
}
