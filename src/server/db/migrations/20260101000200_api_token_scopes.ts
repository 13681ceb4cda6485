/**
 * Admin API token scopes (issue #10): `admin` may change anything, `read` (what a SIEM
 * gets) may read and export only. Every token that existed before had full power, so it
 * becomes `admin`. Frozen; never imports app code.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_tokens')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('admin'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('scope').execute();
}
