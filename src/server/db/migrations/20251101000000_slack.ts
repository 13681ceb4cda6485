/**
 * The Slack connection (issue #7). Frozen once shipped; dialect-neutral like the first
 * migration (JSON as text, instants as epoch ms in bigint). Never imports app code.
 * - `slack_connection`: the one connection, its token encrypted (AES-256-GCM) and what
 *   the last test call said.
 * - `slack_revocations`: one job per verdict (the primary key makes enqueueing idempotent
 *   across replicas), claimed with `locked_until` like webhook deliveries;
 *   `slack_revocation_events` is each job's timeline, append-only.
 * - `slack_audit_state`: the audit-log connector's persisted position (watermark, the
 *   window in progress and its cursor) and its lease, so one replica polls at a time.
 * - `slack_audit_entries`: every audit entry fetched, by Slack's id (no duplicate ever
 *   stored), processed once into findings.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_connection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_sealed', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('team', 'text')
    .addColumn('enterprise_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('scopes', 'text')
    .addColumn('connected_at', 'bigint', (c) => c.notNull())
    .addColumn('connected_by', 'text', (c) => c.notNull())
    .addColumn('last_test_at', 'bigint')
    .addColumn('last_test_ok', 'integer')
    .addColumn('last_test_error', 'text')
    .execute();

  await db.schema
    .createTable('slack_revocations')
    .addColumn('verdict_id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('slack_revocations_due')
    .on('slack_revocations')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema.createIndex('slack_revocations_updated').on('slack_revocations').column('updated_at').execute();

  await db.schema
    .createTable('slack_revocation_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('verdict_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('slack_revocation_events_verdict')
    .on('slack_revocation_events')
    .columns(['verdict_id', 'at'])
    .execute();

  await db.schema
    .createTable('slack_audit_state')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('watermark', 'bigint')
    .addColumn('window_oldest', 'bigint')
    .addColumn('window_latest', 'bigint')
    .addColumn('cursor', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('paused_until', 'bigint', (c) => c.notNull())
    .addColumn('last_poll_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('entries_seen', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('slack_audit_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('date_create', 'bigint', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .addColumn('result', 'text')
    .execute();
  await db.schema
    .createIndex('slack_audit_entries_status')
    .on('slack_audit_entries')
    .columns(['status', 'date_create'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'slack_audit_entries',
    'slack_audit_state',
    'slack_revocation_events',
    'slack_revocations',
    'slack_connection',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
