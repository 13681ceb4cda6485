/**
 * guard_silenced (issue #12): the silence check asks "what did this Slack user do at
 * Slack after time T" every minute; this index answers it from the audit-log inbox
 * without a scan. Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('slack_audit_entries_user_time')
    .on('slack_audit_entries')
    .columns(['user_id', 'date_create'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('slack_audit_entries_user_time').execute();
}
