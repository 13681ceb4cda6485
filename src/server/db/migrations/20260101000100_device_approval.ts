/**
 * Enrollment an admin controls (issue #10): in approval mode a new device enrolls as
 * `pending` and is refused on every device route until an admin approves it (or rejects
 * it for good). Devices enrolled before this migration are `approved`. `approval_by` and
 * `approval_at` say who decided and when. Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('devices')
    .addColumn('approval', 'text', (c) => c.notNull().defaultTo('approved'))
    .execute();
  await db.schema.alterTable('devices').addColumn('approval_by', 'text').execute();
  await db.schema.alterTable('devices').addColumn('approval_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['approval_at', 'approval_by', 'approval']) {
    await db.schema.alterTable('devices').dropColumn(c).execute();
  }
}
