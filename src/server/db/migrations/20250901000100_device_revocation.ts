/**
 * Revoking a device from the dashboard or the admin API (issue #5): a revoked device's
 * key is refused everywhere (`DEVICE_REVOKED` in src/shared/protocol/device.ts), and
 * re-enrolling the same key does not bring it back. Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').addColumn('revoked_at', 'bigint').execute();
  await db.schema.alterTable('devices').addColumn('revoked_by', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('revoked_by').execute();
  await db.schema.alterTable('devices').dropColumn('revoked_at').execute();
}
