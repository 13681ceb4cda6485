/**
 * Issue #12: the acknowledgement says what ending the session at Slack came to, beside
 * the device-side `outcome`: `slack_signout` is `confirmed`, `failed` or `skipped` (null
 * for acks from extensions older than the issue), `slack_signout_detail` the method,
 * Slack's error code or the reason it was skipped. Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('acks').addColumn('slack_signout', 'text').execute();
  await db.schema.alterTable('acks').addColumn('slack_signout_detail', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['slack_signout_detail', 'slack_signout']) {
    await db.schema.alterTable('acks').dropColumn(c).execute();
  }
}
