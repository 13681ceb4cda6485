/**
 * The access-log connector (issue #12), beside the audit-log one and shaped like it.
 * Frozen once shipped; dialect-neutral (JSON as text, instants as bigint). Never imports
 * app code.
 * - `slack_access_state`: one row: the watermark (Unix seconds), the scan in progress
 *   (`scan_top` it started at, `scan_before` and `scan_page` of the next request), the
 *   lease that lets one replica read at a time, and Slack's 429 pause.
 * - `slack_access_entries`: every login aggregate state fetched, keyed by (user, ip, ua,
 *   date_last) hashed, so a page read twice adds nothing; processed once into findings.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_access_state')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('watermark', 'bigint')
    .addColumn('scan_top', 'bigint')
    .addColumn('scan_before', 'bigint')
    .addColumn('scan_page', 'integer')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('paused_until', 'bigint', (c) => c.notNull())
    .addColumn('last_poll_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('entries_seen', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('slack_access_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('date_last', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .addColumn('result', 'text')
    .execute();
  await db.schema
    .createIndex('slack_access_entries_status')
    .on('slack_access_entries')
    .columns(['status', 'date_last'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('slack_access_entries').execute();
  await db.schema.dropTable('slack_access_state').execute();
}
