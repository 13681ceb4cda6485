/**
 * Issue #14: an `api_calls` signal's method and count as columns, so the detectors of
 * Slack web API use (message deletion, file shares, admin actions, scraping) read one
 * minute of the methods they watch, and the admin baseline sums per day in SQL, without
 * parsing every signal's JSON. Rows stored before this carry nulls and count for nothing.
 * Frozen; dialect-neutral; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('signals').addColumn('api_method', 'text').execute();
  await db.schema.alterTable('signals').addColumn('api_calls', 'integer').execute();
  await db.schema
    .createIndex('signals_api_method_at')
    .on('signals')
    .columns(['device_id', 'api_method', 'at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('signals_api_method_at').execute();
  for (const c of ['api_calls', 'api_method']) await db.schema.alterTable('signals').dropColumn(c).execute();
}
