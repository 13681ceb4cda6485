/**
 * Sign in with Slack challenges (issue #10): one row per fresh challenge the backend gave
 * a device. The OpenID nonce is derived from the device id and the challenge, and only its
 * SHA-256 is kept, so a reader of the database cannot answer a challenge. A row is spent by
 * its first answer (`used_at`) and dies at `expires_at`. Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_challenges')
    .addColumn('nonce_hash', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('identity_challenges_device_idx')
    .on('identity_challenges')
    .columns(['device_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('identity_challenges').execute();
}
