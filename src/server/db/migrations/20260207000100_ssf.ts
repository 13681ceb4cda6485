/**
 * Shared Signals (issue #12): the transmitter's SET signing keys (ES256, private half
 * sealed under the backend's secret key like the verdict keys) and the receivers SETs are
 * pushed to (RFC 8935), each with its audience and its bearer token, sealed. Deliveries
 * are jobs (kind `ssf_delivery`, src/server/jobs/). Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ssf_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull().unique())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('sealed_private', 'text', (c) => c.notNull())
    .addColumn('secret_key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ssf_receivers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('token_sealed', 'text')
    .addColumn('token_hint', 'text')
    .addColumn('secret_key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('last_status', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_attempt_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ssf_receivers').execute();
  await db.schema.dropTable('ssf_keys').execute();
}
