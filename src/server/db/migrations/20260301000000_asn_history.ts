/**
 * Issue #14, the asn detector's `new-asn`: which AS numbers each verified Slack user has
 * reported from, first and last seen (server clock). One row per (user, AS), keyed
 * `<user>:<asn>` so the prune job can delete rows one by one; the (user, first_seen)
 * index answers "since when does this user have history" without a scan. Frozen; never
 * imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_asns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('verified_user_id', 'text', (c) => c.notNull())
    .addColumn('asn', 'bigint', (c) => c.notNull())
    .addColumn('first_seen', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('user_asns_user_first_seen')
    .on('user_asns')
    .columns(['verified_user_id', 'first_seen'])
    .execute();
  await db.schema.createIndex('user_asns_last_seen').on('user_asns').column('last_seen').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_asns').execute();
}
