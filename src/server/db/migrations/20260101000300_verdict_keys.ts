/**
 * Verdict signing keys with ids, sealed at rest (issue #10, docs/adr/0003-verdict-key-rotation.md).
 * One row a key: its id (RFC 7638 thumbprint), its public half in clear (it is published in
 * managed policy anyway), its private JWK sealed with AES-256-GCM under the backend's secret
 * key, and a generation that orders rotations (unique, so replicas racing to make the
 * first key or to rotate agree on one).
 *
 * The sealing itself is not done here: the secret key comes from the environment, a key
 * file or the data dir, none of which a frozen migration can reach. App code
 * (src/server/verdicts/verdict-key-ring.ts) seals the existing `kv.verdict_signing_key` at
 * start-up as generation 1, the same key, so deployed extensions keep verifying, and
 * overwrites the clear row. Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('verdict_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull().unique())
    .addColumn('public_spki', 'text', (c) => c.notNull())
    .addColumn('sealed_private', 'text', (c) => c.notNull())
    .addColumn('secret_key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('active_from', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('verdict_keys').execute();
}
