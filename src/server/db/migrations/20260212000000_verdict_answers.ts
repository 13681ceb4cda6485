/**
 * Issue #14, "this was me": the answer of the user whose session a verdict ended, stored
 * on the verdict itself (`me` or `not_me`, null while unanswered) with the server time it
 * arrived. Set once by the device the verdict was aimed at. Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('verdicts').addColumn('user_answer', 'text').execute();
  await db.schema.alterTable('verdicts').addColumn('user_answered_at', 'bigint').execute();
  await db.schema.createIndex('verdicts_user_answered_at').on('verdicts').column('user_answered_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('verdicts_user_answered_at').execute();
  for (const c of ['user_answered_at', 'user_answer']) {
    await db.schema.alterTable('verdicts').dropColumn(c).execute();
  }
}
