/**
 * Slack-attested identity (issue #10). `devices.user_id` stays what the device's page
 * claims; the `verified_*` columns are what Slack vouched for through Sign in with Slack
 * (OpenID Connect, id_token checked on the backend). Only the verified user reaches beyond
 * the device. `signals.late` marks a signal whose device-clock time predates the device's
 * previous report: it is stored and detected on, never counted into baselines. Frozen;
 * never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').addColumn('verified_user_id', 'text').execute();
  await db.schema.alterTable('devices').addColumn('verified_team_id', 'text').execute();
  await db.schema.alterTable('devices').addColumn('verified_email', 'text').execute();
  await db.schema.alterTable('devices').addColumn('verified_at', 'bigint').execute();
  await db.schema.createIndex('devices_verified_user_idx').on('devices').column('verified_user_id').execute();
  await db.schema
    .alterTable('signals')
    .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('signals').dropColumn('late').execute();
  await db.schema.dropIndex('devices_verified_user_idx').execute();
  for (const c of ['verified_at', 'verified_email', 'verified_team_id', 'verified_user_id']) {
    await db.schema.alterTable('devices').dropColumn(c).execute();
  }
}
