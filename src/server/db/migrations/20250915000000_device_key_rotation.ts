/**
 * Device key rotation (issue #4): each rotation links the old device id (the old key's
 * thumbprint) to the new one. The old key is then refused like a revoked one. Frozen;
 * never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('device_key_links')
    .addColumn('old_device_id', 'text', (c) => c.primaryKey())
    .addColumn('new_device_id', 'text', (c) => c.notNull().unique())
    .addColumn('rotated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('device_key_links').execute();
}
