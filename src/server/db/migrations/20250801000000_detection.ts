/**
 * Detection state (issue #3). Frozen: a later change is a new migration.
 * - `session_bindings`: each Slack session (keyed hash of `d`) and the device and client
 *   fingerprint that first reported it; the primary key makes the first writer win, also
 *   across replicas sharing PostgreSQL.
 * - indexes for the per-user queries: devices by Slack user, verdicts by subject (cooldown).
 * Never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('session_bindings')
    .addColumn('session_key', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text')
    .addColumn('signal_id', 'text', (c) => c.notNull())
    .addColumn('bound_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devices_user').on('devices').column('user_id').execute();
  await db.schema.createIndex('verdicts_subject').on('verdicts').columns(['subject', 'issued_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('verdicts_subject').execute();
  await db.schema.dropIndex('devices_user').execute();
  await db.schema.dropTable('session_bindings').execute();
}
